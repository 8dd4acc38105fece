/// Something wrong that an alert route can hear about (`on:`): a problem verdict of one
/// occurrence, or a condition of the job found between its runs (SPEC §6, §15).
///
/// Stored and written in YAML by its name (`FAILED`, `STALE`, …). A new verdict that is a
/// problem joins it by itself; a new condition is a case here.
public enum Problem: Sendable, Hashable, CaseIterable, RawRepresentable, Codable {
    /// An occurrence reached a problem verdict (FAILED, MISSING, HASH_MISMATCH, SUSPICIOUS).
    case verdict(Verdict)
    /// No good run (SUCCESS or SUSPICIOUS) finished within the job's `max_age`.
    case stale
    /// A kept version no longer matches the hashes recorded when it was promoted.
    case corrupted

    public static let failed = Problem.verdict(.failed)
    public static let missing = Problem.verdict(.missing)
    public static let hashMismatch = Problem.verdict(.hashMismatch)
    public static let suspicious = Problem.verdict(.suspicious)

    /// Every problem, the verdicts first in their declaration order.
    public static let allCases: [Problem] = Verdict.problems.map(Problem.verdict) + [.stale, .corrupted]

    /// What a route hears when it lists nothing in `on:`.
    public static let heardByDefault: [Problem] = allCases

    public var rawValue: String {
        switch self {
        case .verdict(let verdict): verdict.rawValue
        case .stale: "STALE"
        case .corrupted: "CORRUPTED"
        }
    }

    public init?(rawValue: String) {
        guard let problem = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = problem
    }

    /// The opening sentence of an alert about `count` occurrences (or versions) of `job`.
    public func alertSentence(job: String, count: Int) -> String {
        switch self {
        case .verdict(let verdict): verdict.alertSentence(job: job, count: count)
        case .stale: "No fresh backup of \(job) has landed within its max_age."
        case .corrupted:
            count > 1
                ? "\(count) kept versions of \(job) no longer match the hashes recorded when they were promoted."
                : "A kept version of \(job) no longer matches the hashes recorded when it was promoted."
        }
    }

    /// What the operator should do about it, one sentence, for the dashboard and the report.
    public var advice: String {
        switch self {
        case .verdict(.failed): "Read the producer's message and its logs, fix the cause, and run the backup again."
        case .verdict(.missing): "Check that the producer ran and that the destination is mounted and writable."
        case .verdict(.hashMismatch):
            "The files changed after the producer hashed them: look for a copy still being written or a faulty disk, then run the backup again."
        case .verdict(.suspicious):
            "The backup looks unlike its own history: open the newest version and check that it holds what it should before trusting it."
        case .verdict: "Look at the job's latest runs."
        case .stale: "No new backup is arriving: check that the producer still runs on schedule and still reports."
        case .corrupted: "A stored copy has changed on disk: check the disk, and make a fresh backup before relying on the older versions."
        }
    }
}
