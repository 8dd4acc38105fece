import Foundation

/// A period during which a job's events are recorded but not sent (SPEC §16 `silences:` and
/// `monitor silence add`): an operator who knows a job will fail (a disk swap, a migration)
/// says so, with a reason and an end, instead of muting its route.
///
/// One declared in YAML is copied into every job it selects when the configuration is read;
/// one added with `monitor silence add` lives in the state, with an id.
public struct Silence: Sendable, Hashable, Codable {
    /// The most a silence may last: long enough for a planned outage, short enough that a
    /// forgotten one ends by itself.
    public static let longest = TimeSpan(seconds: 30 * 86_400)

    /// The state's id of a silence added with `monitor silence add`; `nil` for one from YAML.
    public var id: Int64?
    public var match: SilenceMatch
    /// When it starts holding; `nil` means it holds from the start until `until`.
    public var from: Date?
    /// When it stops holding (exclusive).
    public var until: Date
    public var reason: String

    public init(id: Int64? = nil, match: SilenceMatch, from: Date?, until: Date, reason: String) {
        self.id = id
        self.match = match
        self.from = from
        self.until = until
        self.reason = reason
    }

    /// Whether it holds at `now`: `from <= now < until`.
    public func holds(at now: Date) -> Bool {
        (from.map { $0 <= now } ?? true) && now < until
    }

    /// Whether it has not started yet at `now`.
    public func isUpcoming(at now: Date) -> Bool { from.map { now < $0 } ?? false }

    /// Whether it selects `job`.
    public func selects(_ job: Job) -> Bool { match.selects(job) }

    enum CodingKeys: String, CodingKey { case id, match, from, until, reason }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func time(_ key: CodingKeys) throws -> Date? {
            guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        id = try container.decodeIfPresent(Int64.self, forKey: .id)
        match = try container.decode(SilenceMatch.self, forKey: .match)
        from = try time(.from)
        guard let until = try time(.until) else {
            throw DecodingError.keyNotFound(CodingKeys.until, .init(codingPath: decoder.codingPath, debugDescription: "a silence needs until"))
        }
        self.until = until
        reason = try container.decode(String.self, forKey: .reason)
    }

    /// Times as RFC 3339 UTC text, like every instant the state and the JSON write.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(match, forKey: .match)
        try container.encodeIfPresent(from.map(Timestamp.string), forKey: .from)
        try container.encode(Timestamp.string(until), forKey: .until)
        try container.encode(reason, forKey: .reason)
    }
}

/// Which jobs a silence (or a top-level maintenance window) selects: a job by name, and/or
/// labels, each with one of the values listed. Every key given must match.
public struct SilenceMatch: Sendable, Hashable, Codable, CustomStringConvertible {
    public var job: String?
    public var labels: [String: [String]]

    public init(job: String? = nil, labels: [String: [String]] = [:]) {
        self.job = job
        self.labels = labels
    }

    public var isEmpty: Bool { job == nil && labels.isEmpty }

    public func selects(_ job: Job) -> Bool {
        guard !isEmpty else { return false }
        if let name = self.job, name != job.name { return false }
        return labels.allSatisfy { key, values in job.labels[key].map(values.contains) ?? false }
    }

    /// `job=db team=data` (label values joined by `|`), as `silence list` and `plan` show it.
    public var description: String {
        let parts = (job.map { ["job=\($0)"] } ?? []) + labels.keys.sorted().map { "\($0)=\(labels[$0]!.joined(separator: "|"))" }
        return parts.joined(separator: " ")
    }

    enum CodingKeys: String, CodingKey { case job, labels }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        job = try container.decodeIfPresent(String.self, forKey: .job)
        labels = try container.decodeIfPresent([String: [String]].self, forKey: .labels) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(job, forKey: .job)
        if !labels.isEmpty { try container.encode(labels, forKey: .labels) }
    }
}

extension Array where Element == Silence {
    /// The silences that hold for `job` at `now`.
    public func holding(for job: Job, at now: Date) -> [Silence] {
        filter { $0.holds(at: now) && $0.selects(job) }
    }
}
