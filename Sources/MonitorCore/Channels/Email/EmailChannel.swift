/// E-mail through SMTP (`email:`), sent with libcurl.
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

    public init(
        to: [EmailAddress], from: EmailAddress, smtpURL: String, tls: TLSPolicy = .required, caFile: String? = nil, username: String? = nil,
        passwordEnv: String? = nil
    ) {
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
