/// What a scan concluded about one expected run (SPEC §4): the one vocabulary of outcomes.
///
/// The job status (``JobStatus``), the notification events (``NotificationEvent``), the values
/// the state stores, the dashboard's and the report's colours are all derived from it, so a new
/// verdict is a new case here, its words below, and a place in the tests that walk `allCases`.
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    case success = "SUCCESS"
    case failed = "FAILED"
    case missing = "MISSING"
    case hashMismatch = "HASH_MISMATCH"
    /// The producer reported SUCCESS and the files verified, but the run breaks an `expect`
    /// bound, stands out from the job's own history, or its files total 0 bytes (SPEC §15).
    /// Promoted like a SUCCESS; retention keeps the newest version that is not SUSPICIOUS.
    case suspicious = "SUSPICIOUS"
    /// The occurrence's window lay inside a maintenance period (SPEC §16) and no status file came:
    /// not expected, not alerted. It replaces only MISSING; a run that reports is judged as usual.
    case skipped = "SKIPPED"
    case pending = "PENDING"

    /// Whether it is a problem: something an alert route can subscribe to with `on:`.
    public var isProblem: Bool {
        switch self {
        case .failed, .missing, .hashMismatch, .suspicious: true
        case .success, .skipped, .pending: false
        }
    }

    /// The verdicts an alert route can subscribe to with `on:`, in declaration order.
    public static let problems: [Verdict] = allCases.filter(\.isProblem)

    /// Whether it is final for its occurrence (only PENDING still waits for its window).
    public var isDecided: Bool { self != .pending }

    /// Whether it can be the job's status (SPEC §4): decided, and not SKIPPED — a skipped
    /// occurrence is passed over, so it never hides an earlier problem.
    public var setsJobStatus: Bool { isDecided && self != .skipped }

    /// Whether the run brought a usable backup (its files verified and promoted): SUCCESS or
    /// SUSPICIOUS. A good run ends a STALE period.
    public var isGood: Bool { self == .success || self == .suspicious }

    /// The opening sentence of an alert about `count` occurrences of `job` with this verdict.
    public func alertSentence(job: String, count: Int) -> String {
        switch self {
        case .failed:
            "The backup job \(job) reported FAILED."
        case .missing:
            count > 1
                ? "No status file arrived for \(count) runs of \(job) before the end of their windows."
                : "No status file arrived for \(job) before the end of its window."
        case .hashMismatch:
            "The files of \(job) do not match the hashes in its status file."
        case .suspicious:
            "The backup job \(job) reported SUCCESS, but the backup looks wrong."
        case .success:
            "The backup job \(job) succeeded."
        case .skipped:
            "The backup job \(job) was not expected: its window lay inside a maintenance period."
        case .pending:
            "The backup job \(job) is waiting for its status file."
        }
    }
}

/// What the dashboard, the API and `status` show for a job: the verdict of its latest decided
/// occurrence, or NEW when it has none and no window is open (SPEC §4); STALE when no good run
/// finished within its `max_age` (§15), over SUCCESS, SUSPICIOUS, NEW and PENDING only.
///
/// Stored and sent by its name: as a `RawRepresentable` with `String` names it takes the
/// standard library's `Codable`.
public enum JobStatus: Sendable, Hashable, CaseIterable, RawRepresentable, Codable {
    case verdict(Verdict)
    case stale
    case new
    /// The agent of the job's host is down (SPEC §12): nothing is known of the job until it is
    /// back. Only with a shared (PostgreSQL) state.
    case unknown

    public static let success = JobStatus.verdict(.success)
    public static let failed = JobStatus.verdict(.failed)
    public static let missing = JobStatus.verdict(.missing)
    public static let hashMismatch = JobStatus.verdict(.hashMismatch)
    public static let pending = JobStatus.verdict(.pending)
    public static let suspicious = JobStatus.verdict(.suspicious)

    /// Every status, in the verdicts' order, then STALE, NEW and UNKNOWN.
    public static let allCases: [JobStatus] = Verdict.allCases.map(JobStatus.verdict) + [.stale, .new, .unknown]

    public var rawValue: String {
        switch self {
        case .verdict(let verdict): verdict.rawValue
        case .stale: "STALE"
        case .new: "NEW"
        case .unknown: "UNKNOWN"
        }
    }

    /// Whether the job needs attention: its latest decided verdict is a problem, or it is STALE.
    public var isProblem: Bool { problem != nil }

    /// The problem the job shows, if any.
    public var problem: Problem? {
        switch self {
        case .verdict(let verdict): verdict.isProblem ? .verdict(verdict) : nil
        case .stale: .stale
        case .new, .unknown: nil
        }
    }

    public init?(rawValue: String) {
        guard let status = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = status
    }
}
