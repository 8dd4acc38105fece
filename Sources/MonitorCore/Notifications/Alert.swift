import Foundation

/// What a route is told (SPEC §6).
public enum NotificationEvent: Sendable, Hashable, CaseIterable, RawRepresentable, Codable {
    /// An occurrence reached a problem verdict (one the route lists in `on:`).
    case problem(Verdict)
    /// Back to SUCCESS after one of the problems the route receives (when `send_resolved`).
    case resolved
    /// Still bad after `repeat_interval`.
    case reminder
    /// `monitor notify test ROUTE`.
    case test

    public static let failed = NotificationEvent.problem(.failed)
    public static let missing = NotificationEvent.problem(.missing)
    public static let hashMismatch = NotificationEvent.problem(.hashMismatch)

    /// Every event: one per problem verdict, then RESOLVED, REMINDER and TEST.
    public static let allCases: [NotificationEvent] = Verdict.problems.map(NotificationEvent.problem) + [.resolved, .reminder, .test]

    /// Events about a job's problems, which a reminder's interval counts from.
    public var isAboutAProblem: Bool {
        switch self {
        case .problem, .reminder: true
        case .resolved, .test: false
        }
    }

    public var rawValue: String {
        switch self {
        case .problem(let verdict): verdict.rawValue
        case .resolved: "RESOLVED"
        case .reminder: "REMINDER"
        case .test: "TEST"
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
