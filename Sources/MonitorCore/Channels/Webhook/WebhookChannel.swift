/// An HTTP POST of JSON (`webhook:`).
public struct WebhookChannel: Sendable, Hashable, Codable {
    public var target: Target
    public var format: Format

    public init(target: Target, format: Format = .generic) {
        self.target = target
        self.format = format
    }

    /// Where the URL comes from: written in YAML, or read from an environment variable at send time.
    public enum Target: Sendable, Hashable {
        case url(String)
        case env(String)
    }

    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        case generic
        case slack
    }
}
