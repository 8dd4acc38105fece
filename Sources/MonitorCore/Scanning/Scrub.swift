import Foundation

/// One file of a promoted version as recorded when it was promoted: what the scrub compares
/// the file on disk with (SPEC §15).
public struct VersionFile: Sendable, Hashable, Codable {
    /// Relative to the version folder (as it was relative to `staging/`).
    public var path: String
    public var size: Int64
    /// Lower-case hex SHA-256, when the status file gave one (`verify: sha256`). Without one the
    /// scrub keeps the hash it computes the first time as the reference for later checks.
    public var sha256: String?

    public init(path: String, size: Int64, sha256: String?) {
        self.path = path
        self.size = size
        self.sha256 = sha256
    }
}

/// A kept version that no longer matches what was recorded at promotion.
public struct CorruptedVersion: Sendable, Hashable {
    public var id: String
    /// What differs, naming the files: `dump.sql: content changed (SHA-256 … where … was recorded)`.
    public var reason: String

    public init(id: String, reason: String) {
        self.id = id
        self.reason = reason
    }
}

/// `settings.scrub`: how often every kept version is re-read, and how much wall time each scan
/// of the daemon may spend on it.
public struct ScrubSettings: Sendable, Hashable, Codable {
    public var every: TimeSpan
    /// `nil`: the scrub is off (`budget: 0`); `monitor verify` still checks on demand.
    public var budget: TimeSpan?

    public static let defaultEvery = TimeSpan(seconds: 30 * 86_400)
    public static let defaultBudget = TimeSpan(seconds: 2 * 60)
    public static let `default` = ScrubSettings(every: defaultEvery, budget: defaultBudget)

    public init(every: TimeSpan = ScrubSettings.defaultEvery, budget: TimeSpan? = ScrubSettings.defaultBudget) {
        self.every = every
        self.budget = budget
    }

    public var isOff: Bool { budget == nil }

    enum CodingKeys: String, CodingKey {
        case every, budget
    }

    /// `{"every":"30d","budget":"2m"}`, the budget `"0"` when the scrub is off.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        every = try c.decode(TimeSpan.self, forKey: .every)
        let budget = try c.decode(String.self, forKey: .budget)
        self.budget = ScrubSettings.isZero(budget) ? nil : try c.decode(TimeSpan.self, forKey: .budget)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(every, forKey: .every)
        try c.encode(budget?.description ?? "0", forKey: .budget)
    }

    /// `0`, `0s`, `0m`, `0h`, `0d` (any number of zeros): a budget that turns the scrub off.
    public static func isZero(_ text: String) -> Bool {
        let digits = text.prefix { $0 == "0" }
        guard !digits.isEmpty else { return false }
        let rest = text.dropFirst(digits.count)
        return rest.isEmpty || ["s", "m", "h", "d"].contains(String(rest))
    }

    /// When a version whose last complete check was at `lastChecked` is due again. A version is
    /// re-read once three quarters of `every` have passed, so that a backlog (more bytes than one
    /// scan's budget) still drains before `every` runs out; never checked means due now.
    public func isDue(lastChecked: Date?, now: Date) -> Bool {
        guard let lastChecked else { return true }
        return lastChecked <= dueBefore(now: now)
    }

    /// Versions checked at or before this instant are due at `now`.
    public func dueBefore(now: Date) -> Date {
        now.addingTimeInterval(-Double(every.seconds) * 0.75)
    }

    /// Versions last checked before this instant (or never, and promoted before it) are overdue:
    /// the scrub is not keeping up with `every` within its budget.
    public func overdueBefore(now: Date) -> Date {
        now.addingTimeInterval(-Double(every.seconds))
    }
}

/// What the scrub found when it read one recorded file of a version again.
public enum ScrubObservation: Sendable, Hashable {
    /// The file was read to its end.
    case read(size: Int64, sha256: String)
    case missing
    /// Something else than a regular file is there (a folder, a symbolic link…).
    case notRegularFile(String)
    /// It could not be opened or read; the reason is the system's.
    case unreadable(String)
}

/// The comparison of a version's files with what was recorded at promotion. Pure: the scrub
/// reads, this decides, the store records.
public enum ScrubCheck {
    /// The problem with one file, or nil when it still matches.
    public static func problem(with file: VersionFile, observed: ScrubObservation) -> String? {
        switch observed {
        case .missing:
            return "\(file.path): missing (\(file.size) bytes were recorded at promotion)"
        case .notRegularFile(let what):
            return "\(file.path): \(what), not the regular file that was promoted"
        case .unreadable(let reason):
            return "\(file.path): cannot be read (\(reason))"
        case .read(let size, let sha256):
            if size != file.size {
                return "\(file.path): \(size) bytes where \(file.size) were recorded at promotion"
            }
            if let recorded = file.sha256, recorded.lowercased() != sha256 {
                return "\(file.path): content changed (SHA-256 \(sha256.prefix(16))… where \(recorded.prefix(16))… was recorded at promotion)"
            }
            return nil
        }
    }

    /// The problems of one version as one reason, the first few files named.
    public static func reason(_ problems: [String]) -> String {
        let shown = 3
        let head = problems.prefix(shown).joined(separator: "; ")
        return problems.count > shown ? "\(head); and \(problems.count - shown) more file\(problems.count - shown == 1 ? "" : "s")" : head
    }
}
