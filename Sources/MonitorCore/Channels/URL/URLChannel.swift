/// A notification URL in Apprise's grammar (`url:` or `url_env:` on the route): ntfy, Gotify,
/// Telegram, Discord, Pushover, Matrix, PagerDuty, Teams Workflows.
public struct URLChannel: Sendable, Hashable {
    public var target: Target
    /// Replaces the origin (`scheme://host[:port]`, plus a path prefix) that requests go to: a proxy,
    /// a self-hosted Telegram Bot API server, a test receiver.
    public var apiURL: String?

    public init(target: Target, apiURL: String? = nil) {
        self.target = target
        self.apiURL = apiURL
    }

    /// Where the URL comes from.
    public enum Target: Sendable, Hashable {
        /// Written in YAML, read and checked by `check`.
        case url(NotificationURL)
        /// Read from this environment variable at each attempt: the URL holds a secret.
        case env(String)
    }
}

/// Stored as written in YAML: `{"url": "ntfys://..."}` or `{"url_env": "VAR"}`, plus `api_url`.
extension URLChannel: Codable {
    private enum CodingKeys: String, CodingKey {
        case url
        case urlEnv = "url_env"
        case apiURL = "api_url"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try container.decodeIfPresent(String.self, forKey: .url) {
            do { target = .url(try NotificationURL(parsing: text)) } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .url, in: container, debugDescription: "the notification URL \(error.message) (character \(error.offset + 1))")
            }
        } else {
            target = .env(try container.decode(String.self, forKey: .urlEnv))
        }
        apiURL = try container.decodeIfPresent(String.self, forKey: .apiURL)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch target {
        case .url(let url): try container.encode(url.text, forKey: .url)
        case .env(let name): try container.encode(name, forKey: .urlEnv)
        }
        try container.encodeIfPresent(apiURL, forKey: .apiURL)
    }
}
