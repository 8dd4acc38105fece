import Foundation

/// What a route is told (SPEC §6).
public enum NotificationEvent: String, Sendable, Hashable, Codable, CaseIterable {
    case failed = "FAILED"
    case missing = "MISSING"
    case hashMismatch = "HASH_MISMATCH"
    /// Back to SUCCESS after one of the problems the route receives (when `send_resolved`).
    case resolved = "RESOLVED"
    /// Still bad after `repeat_interval`.
    case reminder = "REMINDER"
    /// `monitor notify test ROUTE`.
    case test = "TEST"
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

    public init(event: NotificationEvent, job: String, state: String, occurrences: [Occurrence], message: String?,
                labels: [String: String], destination: String, timezone: String, jobDescription: String?, url: String?, createdAt: Date) {
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
