/// Who hears about problems, and how (SPEC §2 `alert_routes:`, §6).
public struct AlertRoute: Sendable, Hashable, Codable {
    public var name: String
    public var channel: Channel
    /// Problem verdicts this route receives; RESOLVED and REMINDER follow them.
    public var on: [Verdict]
    public var sendResolved: Bool
    public var repeatInterval: TimeSpan?

    public init(name: String, channel: Channel, on: [Verdict] = Verdict.problems, sendResolved: Bool = true, repeatInterval: TimeSpan? = nil) {
        self.name = name
        self.channel = channel
        self.on = on
        self.sendResolved = sendResolved
        self.repeatInterval = repeatInterval
    }

    /// Encoded as in YAML; see `AlertRoute+Codable.swift`.
    public enum Channel: Sendable, Hashable, Codable {
        case email(EmailChannel)
        case webhook(WebhookChannel)

        /// Every kind of channel, by the key that declares it in YAML and names it in the state.
        public static let kinds = ["email", "webhook"]

        /// The key that declares this channel in YAML (`email:`, `webhook:`).
        public var kind: String {
            switch self {
            case .email: "email"
            case .webhook: "webhook"
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, channel, on
        case sendResolved = "send_resolved"
        case repeatInterval = "repeat_interval"
    }
}

/// E-mail through SMTP (libcurl).
public struct EmailChannel: Sendable, Hashable, Codable {
    public var to: [EmailAddress]
    public var from: EmailAddress
    /// `smtp://host[:port]` or `smtps://host[:port]`.
    public var smtpURL: String
    public var tls: TLSPolicy
    public var caFile: String?
    public var username: String?
    /// Name of the environment variable holding the password; never the password.
    public var passwordEnv: String?

    public init(to: [EmailAddress], from: EmailAddress, smtpURL: String, tls: TLSPolicy = .required, caFile: String? = nil, username: String? = nil, passwordEnv: String? = nil) {
        self.to = to
        self.from = from
        self.smtpURL = smtpURL
        self.tls = tls
        self.caFile = caFile
        self.username = username
        self.passwordEnv = passwordEnv
    }

    enum CodingKeys: String, CodingKey {
        case to, from, tls, username
        case smtpURL = "smtp_url"
        case caFile = "ca_file"
        case passwordEnv = "password_env"
    }
}

public enum TLSPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// STARTTLS must succeed, or the URL is `smtps://`.
    case required
    /// STARTTLS when the server offers it.
    case optional
    /// Plain text; only for a mail relay on the same host or a trusted network.
    case none
}

/// An HTTP POST of JSON.
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
