import Foundation

/// A producer's `STATUS.json`, decoded and validated (SPEC §3).
public struct StatusReport: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        case success = "SUCCESS"
        case failed = "FAILED"
    }

    /// One file the producer says it wrote, relative to `staging/`.
    public struct File: Sendable, Hashable {
        /// Normalized relative path: no `.`/`..` segments, no leading `/`, no empty segments.
        public var path: String
        public var size: Int64?
        /// Lower-case hex SHA-256, when given.
        public var sha256: String?

        public init(path: String, size: Int64?, sha256: String?) {
            self.path = path
            self.size = size
            self.sha256 = sha256
        }
    }

    public var job: String?
    public var status: Outcome
    public var startedAt: Date?
    public var finishedAt: Date
    public var files: [File]
    public var message: String?
    public var producer: String?

    public init(job: String?, status: Outcome, startedAt: Date?, finishedAt: Date, files: [File], message: String?, producer: String?) {
        self.job = job
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.files = files
        self.message = message
        self.producer = producer
    }
}
