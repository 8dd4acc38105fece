import Foundation

/// What a route is told (SPEC §6).
public enum NotificationEvent: Sendable, Hashable, CaseIterable, RawRepresentable, Codable {
    /// A problem the route lists in `on:`: an occurrence's verdict, or a condition of the job.
    case problem(Problem)
    /// Back to SUCCESS after one of the problems the route receives (when `send_resolved`).
    case resolved
    /// Still bad after `repeat_interval`.
    case reminder
    /// `monitor notify test ROUTE`.
    case test
    /// The agent of a host stopped reporting (SPEC §12); sent to the routes that hear MISSING
    /// for a job of that host, whose jobs are UNKNOWN until it is back.
    case agentDown
    /// That agent reports again, and catches up.
    case agentUp

    public static let failed = NotificationEvent.problem(.failed)
    public static let missing = NotificationEvent.problem(.missing)
    public static let hashMismatch = NotificationEvent.problem(.hashMismatch)
    public static let suspicious = NotificationEvent.problem(.suspicious)
    public static let stale = NotificationEvent.problem(.stale)
    public static let corrupted = NotificationEvent.problem(.corrupted)

    /// Every event: one per problem, then RESOLVED, REMINDER, TEST, AGENT_DOWN and AGENT_UP.
    public static let allCases: [NotificationEvent] =
        Problem.allCases.map(NotificationEvent.problem) + [.resolved, .reminder, .test, .agentDown, .agentUp]

    /// Events about a job's problems, which a reminder's interval counts from.
    public var isAboutAProblem: Bool {
        switch self {
        case .problem, .reminder: true
        case .resolved, .test, .agentDown, .agentUp: false
        }
    }

    public var rawValue: String {
        switch self {
        case .problem(let problem): problem.rawValue
        case .resolved: "RESOLVED"
        case .reminder: "REMINDER"
        case .test: "TEST"
        case .agentDown: "AGENT_DOWN"
        case .agentUp: "AGENT_UP"
        }
    }

    public init?(rawValue: String) {
        guard let event = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = event
    }
}

/// One alert to one route, as stored in the outbox (its payload) and rendered by the
/// e-mail and webhook transports. Everything a transport needs is in it, so delivery never
/// reads the configuration or the ledger again.
public struct Alert: Sendable, Hashable, Codable {
    public var event: NotificationEvent
    public var job: String
    /// The occurrence's verdict (SUCCESS for RESOLVED, the still-bad verdict for REMINDER).
    public var state: String
    /// The occurrences it is about, oldest first; several when MISSING ones are grouped.
    public var occurrences: [Occurrence]
    public var message: String?
    public var labels: [String: String]
    public var destination: String
    /// The job's timezone, for showing scheduled times as the operator declared them.
    public var timezone: String
    public var jobDescription: String?
    /// A link to the job on the dashboard, when `settings.public_url` is set.
    public var url: String?
    public var createdAt: Date
    /// For a RESOLVED: the occurrence of the problem it ends (the job's latest decided one before
    /// it), so that a service keeping incidents (PagerDuty) can close the one it opened. `nil` in
    /// other events and in notifications queued before it existed.
    public var resolves: Occurrence?
    /// For AGENT_DOWN and AGENT_UP: the host whose agent it is about (`job` is empty then).
    public var agent: String?

    public init(
        event: NotificationEvent, job: String, state: String, occurrences: [Occurrence], message: String?,
        labels: [String: String], destination: String, timezone: String, jobDescription: String?, url: String?, createdAt: Date
    ) {
        self.event = event
        self.job = job
        self.state = state
        self.occurrences = occurrences
        self.message = message
        self.labels = labels
        self.destination = destination
        self.timezone = timezone
        self.jobDescription = jobDescription
        self.url = url
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case event, job, state, occurrences, message, labels, destination, timezone, url
        case jobDescription = "job_description"
        case createdAt = "created_at"
        case resolves, agent
    }
}

extension Occurrence: Codable {
    enum CodingKeys: String, CodingKey {
        case scheduledAt = "scheduled_at"
        case windowEnd = "window_end"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let scheduled = Timestamp.parse(try container.decode(String.self, forKey: .scheduledAt)),
            let end = Timestamp.parse(try container.decode(String.self, forKey: .windowEnd))
        else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad occurrence time")) }
        self.init(scheduledAt: scheduled, windowEnd: end)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Timestamp.string(scheduledAt), forKey: .scheduledAt)
        try container.encode(Timestamp.string(windowEnd), forKey: .windowEnd)
    }
}
