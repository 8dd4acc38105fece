/// A webhook encodes its target the way it is written in YAML, `"url"` or `"url_env"`, so that
/// plans and the state read naturally.
extension WebhookChannel {
    private enum CodingKeys: String, CodingKey {
        case url
        case urlEnv = "url_env"
        case format
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let url = try container.decodeIfPresent(String.self, forKey: .url) {
            target = .url(url)
        } else {
            target = .env(try container.decode(String.self, forKey: .urlEnv))
        }
        format = try container.decode(Format.self, forKey: .format)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch target {
        case .url(let url): try container.encode(url, forKey: .url)
        case .env(let name): try container.encode(name, forKey: .urlEnv)
        }
        try container.encode(format, forKey: .format)
    }
}
