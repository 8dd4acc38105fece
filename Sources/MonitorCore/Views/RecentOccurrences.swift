import Foundation

/// One cell of a job's recent-history strip: when an occurrence was scheduled and its verdict
/// so far, `{"scheduled_at","state"}` (the names of the occurrence shape, SPEC §8).
public struct RecentOccurrence: Sendable, Hashable, Encodable {
    public var scheduledAt: Date
    public var state: Verdict

    public init(scheduledAt: Date, state: Verdict) {
        self.scheduledAt = scheduledAt
        self.state = state
    }

    enum CodingKeys: String, CodingKey {
        case scheduledAt = "scheduled_at"
        case state
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Timestamp.string(scheduledAt), forKey: .scheduledAt)
        try c.encode(state, forKey: .state)
    }
}

extension JobViews {
    /// How many occurrences a job's row shows at a glance (the dashboard's strip).
    public static let recentLength = 14

    /// A job's strip from its ledger rows (in any order): the latest `length` occurrences
    /// scheduled at or before `now`, newest first.
    public static func recent(_ rows: [RecentOccurrence], now: Date, length: Int = recentLength) -> [RecentOccurrence] {
        Array(rows.filter { $0.scheduledAt <= now }.sorted { $0.scheduledAt > $1.scheduledAt }.prefix(max(0, length)))
    }
}

/// A job as the `/api/jobs` list shows it: its view (SPEC §8) and, under `recent`, its latest
/// occurrences newest first. The keys of both land in one JSON object.
public struct JobListEntry: Sendable, Encodable {
    public var view: JobView
    public var recent: [RecentOccurrence]

    public init(view: JobView, recent: [RecentOccurrence]) {
        self.view = view
        self.recent = recent
    }

    enum CodingKeys: String, CodingKey {
        case recent
    }

    public func encode(to encoder: any Encoder) throws {
        try view.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(recent, forKey: .recent)
    }
}
