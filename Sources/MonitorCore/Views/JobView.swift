import Foundation

/// A job as `monitor status --format json` and the HTTP API show it (SPEC §8).
/// Absent values are encoded as `null`, never left out, so that clients see every key.
public struct JobView: Sendable, Hashable, Encodable {
    public var name: String
    public var status: JobStatus
    public var description: String?
    public var destination: String
    public var schedule: String
    public var window: String
    public var timezone: String
    public var labels: [String: String]
    /// Where the job's runs come from (SPEC §13): `status_file`, `ping`, `restic` or `borg`.
    public var source: Source.Kind
    public var lastSuccessAt: Date?
    public var currentVersion: VersionView?
    /// How many kept versions (the current one or older) the scrub found changed on disk.
    public var corruptedVersions: Int
    public var latest: OccurrenceView?
    public var next: NextOccurrenceView?
    /// Only in the one-job form (`--job NAME`, `/api/jobs/{name}`), newest first.
    public var occurrences: [OccurrenceView]?
    /// In the one-job form of a job with `anomaly` on: its SUCCESS runs with figures so far, so
    /// that `status` can say when runs start being compared with their history. Not in the JSON.
    public var baselineRuns: Int?
    /// While a silence holds for the job (SPEC §16): when the last of those ends.
    public var silencedUntil: Date?

    public init(
        job: Job, status: JobStatus, lastSuccessAt: Date?, currentVersion: VersionView?, corruptedVersions: Int = 0, baselineRuns: Int? = nil,
        latest: OccurrenceView?,
        next: NextOccurrenceView?, occurrences: [OccurrenceView]? = nil, silencedUntil: Date? = nil
    ) {
        self.silencedUntil = silencedUntil
        name = job.name
        self.status = status
        description = job.description
        destination = job.destination
        schedule = job.schedule.expression
        window = job.window.description
        timezone = job.timezone
        labels = job.labels
        source = job.effectiveSource.kind
        self.lastSuccessAt = lastSuccessAt
        self.currentVersion = currentVersion
        self.corruptedVersions = corruptedVersions
        self.baselineRuns = baselineRuns
        self.latest = latest
        self.next = next
        self.occurrences = occurrences
    }

    enum CodingKeys: String, CodingKey {
        case name, status, description, destination, schedule, window, timezone, labels, source, latest, next, occurrences
        case lastSuccessAt = "last_success_at"
        case currentVersion = "current_version"
        case corruptedVersions = "corrupted_versions"
        case silencedUntil = "silenced_until"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(description, forKey: .description)
        try c.encode(destination, forKey: .destination)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(window, forKey: .window)
        try c.encode(timezone, forKey: .timezone)
        try c.encode(labels, forKey: .labels)
        try c.encode(source, forKey: .source)
        try c.encode(lastSuccessAt.map(Timestamp.string), forKey: .lastSuccessAt)
        try c.encode(currentVersion, forKey: .currentVersion)
        try c.encode(corruptedVersions, forKey: .corruptedVersions)
        try c.encode(silencedUntil.map(Timestamp.string), forKey: .silencedUntil)
        try c.encode(latest, forKey: .latest)
        try c.encode(next, forKey: .next)
        if let occurrences { try c.encode(occurrences, forKey: .occurrences) }
    }
}

/// `{"scheduled_at","window_end","state","late","finished_at","message","version_id","silenced"}`.
public struct OccurrenceView: Sendable, Hashable, Encodable {
    public var record: OccurrenceRecord

    public init(_ record: OccurrenceRecord) { self.record = record }

    enum CodingKeys: String, CodingKey {
        case scheduledAt = "scheduled_at"
        case windowEnd = "window_end"
        case state, late
        case finishedAt = "finished_at"
        case message
        case versionID = "version_id"
        case silenced
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(record.silenced, forKey: .silenced)
        try c.encode(Timestamp.string(record.occurrence.scheduledAt), forKey: .scheduledAt)
        try c.encode(Timestamp.string(record.occurrence.windowEnd), forKey: .windowEnd)
        try c.encode(record.state, forKey: .state)
        try c.encode(record.late, forKey: .late)
        try c.encode(record.finishedAt.map(Timestamp.string), forKey: .finishedAt)
        try c.encode(record.message, forKey: .message)
        try c.encode(record.versionID, forKey: .versionID)
    }
}

/// `{"id","files","bytes","promoted_at","corrupted"}`.
public struct VersionView: Sendable, Hashable, Encodable {
    public var id: String
    public var files: Int
    public var bytes: Int64
    public var promotedAt: Date
    /// The scrub (or `monitor verify`) found a file of it changed, missing or unreadable (SPEC §15).
    public var corrupted: Bool

    public init(id: String, files: Int, bytes: Int64, promotedAt: Date, corrupted: Bool = false) {
        self.id = id
        self.files = files
        self.bytes = bytes
        self.promotedAt = promotedAt
        self.corrupted = corrupted
    }

    enum CodingKeys: String, CodingKey {
        case id, files, bytes, corrupted
        case promotedAt = "promoted_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(files, forKey: .files)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(Timestamp.string(promotedAt), forKey: .promotedAt)
        try c.encode(corrupted, forKey: .corrupted)
    }
}

/// `{"scheduled_at","window_end"}` of the next occurrence.
public struct NextOccurrenceView: Sendable, Hashable, Encodable {
    public var occurrence: Occurrence

    public init(_ occurrence: Occurrence) { self.occurrence = occurrence }

    enum CodingKeys: String, CodingKey {
        case scheduledAt = "scheduled_at"
        case windowEnd = "window_end"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Timestamp.string(occurrence.scheduledAt), forKey: .scheduledAt)
        try c.encode(Timestamp.string(occurrence.windowEnd), forKey: .windowEnd)
    }
}

/// `{"generated_at","jobs":[...]}`.
public struct StatusDocument: Sendable, Encodable {
    public var generatedAt: Date
    public var jobs: [JobView]

    public init(generatedAt: Date, jobs: [JobView]) {
        self.generatedAt = generatedAt
        self.jobs = jobs
    }

    enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at"
        case jobs
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Timestamp.string(generatedAt), forKey: .generatedAt)
        try c.encode(jobs, forKey: .jobs)
    }
}

extension StatusDocument {
    /// The document as `JSONEncoder.api` encodes it, byte for byte, but one job at a time: the
    /// encoder's intermediate tree for 10,000 jobs cost the daemon tens of MiB per request.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder.api
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + jobs.count * 640)
        // Keys in sorted order, as `.sortedKeys` writes them: generated_at, jobs.
        bytes.append(contentsOf: "{\"generated_at\":".utf8)
        bytes.append(contentsOf: try encoder.encode(Timestamp.string(generatedAt)))
        bytes.append(contentsOf: ",\"jobs\":[".utf8)
        for (index, job) in jobs.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: try encoder.encode(job))
        }
        bytes.append(contentsOf: "]}".utf8)
        return bytes
    }
}

extension JSONEncoder {
    /// The encoder of every JSON answer: sorted keys, so output is stable and diffable.
    public static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
