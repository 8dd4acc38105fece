/// What a scan concluded about one expected run (SPEC §4).
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
    case success = "SUCCESS"
    case failed = "FAILED"
    case missing = "MISSING"
    case hashMismatch = "HASH_MISMATCH"
    case pending = "PENDING"

    /// The verdicts an alert route can subscribe to with `on:`.
    public static let problems: [Verdict] = [.failed, .missing, .hashMismatch]

    public var isProblem: Bool { Self.problems.contains(self) }
}
