/// How an e-mail route's SMTP connection uses TLS (`tls:`).
public enum TLSPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// STARTTLS must succeed, or the URL is `smtps://`.
    case required
    /// STARTTLS when the server offers it.
    case optional
    /// Plain text; only for a mail relay on the same host or a trusted network.
    case none
}
