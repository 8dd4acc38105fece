/// Routes encode the way they are written in YAML: `{"email": {...}}` or `{"webhook": {...}}`,
/// and a webhook's target as `"url"` or `"url_env"`, so that plans and the state read naturally.
extension AlertRoute.Channel {
    private enum CodingKeys: String, CodingKey { case email, webhook }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let email = try container.decodeIfPresent(EmailChannel.self, forKey: .email) {
            self = .email(email)
        } else {
            self = .webhook(try container.decode(WebhookChannel.self, forKey: .webhook))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .email(let email): try container.encode(email, forKey: .email)
        case .webhook(let webhook): try container.encode(webhook, forKey: .webhook)
        }
    }
}

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
