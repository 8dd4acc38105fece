import Synchronization

/// An expected backup (SPEC §2 `jobs:`).
public struct Job: Sendable, Hashable, Codable {
    public var name: String
    public var destination: String
    public var schedule: CronSchedule
    /// The status file must arrive before `scheduled instant + window`.
    public var window: TimeSpan
    /// IANA timezone the schedule is read in: the job's own, else `settings.timezone`.
    public var timezone: String
    public var verify: Verification
    /// Alert routes, in the order written.
    public var routes: [String]
    public var labels: [String: String]
    public var description: String?
    /// Bounds a SUCCESS run must stay within, else it is SUSPICIOUS (SPEC §15).
    public var expect: RunBounds?
    /// `anomaly:` as written; `nil` means the default, on. Stored only when written, so that
    /// states applied before it existed plan no change.
    public var anomaly: Bool?
    /// The job is STALE when its newest good run finished longer ago than this.
    public var maxAge: TimeSpan?
    /// `promote:` as written; `nil` means the destination's, else `copy` (``ActiveJob/promotionMode``).
    /// Stored only when written, like `anomaly`.
    public var promote: PromotionMode?
    /// `source:` as written; `nil` means the default, `status_file` (stored only when written).
    public var source: Source?

    /// Where the job's runs come from.
    public var effectiveSource: Source { source ?? .statusFile }

    /// `maintenance:` — its own windows and the top-level ones that select it (SPEC §16); an
    /// occurrence whose window lies inside one is SKIPPED, not MISSING. Stored only when there are some.
    public var maintenance: [MaintenanceWindow]?
    /// The `silences:` of the configuration that select it (SPEC §16); stored only when there are some.
    public var silences: [Silence]?

    /// Whether runs are judged against the job's own history.
    public var detectsAnomalies: Bool { anomaly ?? true }

    public init(
        name: String, destination: String, schedule: CronSchedule, window: TimeSpan,
        timezone: String = Settings.defaultTimezone, verify: Verification = .sha256,
        routes: [String] = [], labels: [String: String] = [:], description: String? = nil
    ) {
        self.name = name
        self.destination = destination
        self.schedule = schedule
        self.window = window
        self.timezone = timezone
        self.verify = verify
        self.routes = routes
        self.labels = labels
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case name, destination, schedule, window, timezone, verify, routes, labels, description, expect, anomaly, source, promote
        case maxAge = "max_age"
        case maintenance, silences
    }
}

/// How promoted files are checked.
public enum Verification: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every listed file must carry a `sha256`, checked while copying.
    case sha256
    /// Sizes are still checked when given; hashes are checked only when given.
    case none
}

extension CronSchedule: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try Self.memoized(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// ``init(parsing:)`` with a process-wide memo of the expressions that parsed: thousands
    /// of jobs share a few dozen expressions, and every load, scan and API read decodes every job.
    public static func memoized(parsing text: String) throws(CronParseError) -> CronSchedule {
        if let parsed = parsedExpressions.withLock({ $0[text] }) { return parsed }
        let parsed = try CronSchedule(parsing: text)
        parsedExpressions.withLock { memo in
            if memo.count >= 4_096 { memo.removeAll(keepingCapacity: true) }
            memo[text] = parsed
        }
        return parsed
    }

    private static let parsedExpressions = Mutex<[String: CronSchedule]>([:])

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(expression)
    }
}
