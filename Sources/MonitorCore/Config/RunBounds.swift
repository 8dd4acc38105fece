/// A job's `expect:` bounds (SPEC §15): a SUCCESS run outside any of them is SUSPICIOUS.
public struct RunBounds: Sendable, Hashable, Codable {
    public var minBytes: ByteSize?
    public var maxBytes: ByteSize?
    public var minFiles: Int?
    public var maxFiles: Int?
    /// A run's duration is `finished_at − started_at`; runs without `started_at` are not judged by it.
    public var minDuration: TimeSpan?
    public var maxDuration: TimeSpan?

    public init(
        minBytes: ByteSize? = nil, maxBytes: ByteSize? = nil, minFiles: Int? = nil, maxFiles: Int? = nil,
        minDuration: TimeSpan? = nil, maxDuration: TimeSpan? = nil
    ) {
        self.minBytes = minBytes
        self.maxBytes = maxBytes
        self.minFiles = minFiles
        self.maxFiles = maxFiles
        self.minDuration = minDuration
        self.maxDuration = maxDuration
    }

    public var isEmpty: Bool { self == RunBounds() }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case minBytes = "min_bytes"
        case maxBytes = "max_bytes"
        case minFiles = "min_files"
        case maxFiles = "max_files"
        case minDuration = "min_duration"
        case maxDuration = "max_duration"
    }

    /// The YAML keys, in the order the documentation lists them.
    static let keys = CodingKeys.allCases.map(\.rawValue)
}
