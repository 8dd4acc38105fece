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
    case pending = "PENDING"

    /// Whether it is a problem: something an alert route can subscribe to with `on:`.
    public var isProblem: Bool {
        switch self {
        case .failed, .missing, .hashMismatch: true
        case .success, .pending: false
        }
    }

    /// The verdicts an alert route can subscribe to with `on:`, in declaration order.
    public static let problems: [Verdict] = allCases.filter(\.isProblem)

    /// Whether it is final for its occurrence (only PENDING still waits for its window).
    public var isDecided: Bool { self != .pending }

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
        case .success:
            "The backup job \(job) succeeded."
        case .pending:
            "The backup job \(job) is waiting for its status file."
        }
    }
}

/// What the dashboard, the API and `status` show for a job: the verdict of its latest decided
/// occurrence, or NEW when it has none and no window is open (SPEC §4).
///
/// Stored and sent by its name: as a `RawRepresentable` with `String` names it takes the
/// standard library's `Codable`.
public enum JobStatus: Sendable, Hashable, CaseIterable, RawRepresentable, Codable {
    case verdict(Verdict)
    case new

    public static let success = JobStatus.verdict(.success)
    public static let failed = JobStatus.verdict(.failed)
    public static let missing = JobStatus.verdict(.missing)
    public static let hashMismatch = JobStatus.verdict(.hashMismatch)
    public static let pending = JobStatus.verdict(.pending)

    /// Every status, in the verdicts' order and NEW last.
    public static let allCases: [JobStatus] = Verdict.allCases.map(JobStatus.verdict) + [.new]

    public var rawValue: String {
        switch self {
        case .verdict(let verdict): verdict.rawValue
        case .new: "NEW"
        }
    }

    /// Whether the job needs attention: its latest decided verdict is a problem.
    public var isProblem: Bool {
        if case .verdict(let verdict) = self { return verdict.isProblem }
        return false
    }

    public init?(rawValue: String) {
        if rawValue == "NEW" { self = .new } else if let verdict = Verdict(rawValue: rawValue) { self = .verdict(verdict) } else { return nil }
    }
}
