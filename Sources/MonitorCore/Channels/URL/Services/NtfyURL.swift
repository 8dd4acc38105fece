/// `ntfy://` (HTTP) and `ntfys://` (HTTPS): `ntfys://[user:password@ | tk_token@]host[:port]/topic`,
/// or `ntfy://topic` for a topic on ntfy.sh. One topic per URL: a route that reached two topics
/// could not be retried on one without repeating the other.
public struct NtfyURL: NotificationServiceURL {
    static let name = "ntfy"
    static let schemes = ["ntfy", "ntfys"]
    static let example = "ntfys://ntfy.example.com/backups"

    /// `https://ntfy.sh` for `ntfy://topic`, else the server written in the URL.
    public var origin: String
    public var host: String
    public var port: Int?
    public var secure: Bool
    public var topic: String
    public var auth: Auth?

    public enum Auth: Sendable, Hashable {
        /// HTTP Basic.
        case basic(user: String, password: String)
        /// An access token (`tk_...`), sent as a bearer token.
        case token(String)
    }

    var service: NotificationURL.Service { .ntfy(self) }

    var secrets: [String] {
        switch auth {
        case .basic(_, let password): [password]
        case .token(let token): [token]
        case nil: []
        }
    }
    var secretName: String { if case .token = auth { "its access token" } else { "its password" } }

    var fields: [String: String] {
        var fields = ["host": host, "port": port.map(String.init) ?? "", "secure": String(secure), "topic": topic]
        switch auth {
        case .basic(let user, let password):
            fields["user"] = user
            fields["password"] = password
        case .token(let token): fields["token"] = token
        case nil: break
        }
        return fields
    }

    static func read(_ pieces: URLPieces) throws(NotificationURLProblem) -> NtfyURL {
        _ = try pieces.options(allowed: [], service: name)
        let topicRule = "one topic per URL; declare another route for another topic"
        if pieces.path.isEmpty, pieces.user == nil, !pieces.host.text.contains(":"), !pieces.host.text.contains(".") {
            // `ntfy://topic`: Apprise's form for a topic on the public ntfy.sh server.
            let topic = URLPieces.Piece(text: pieces.host.text, offset: pieces.host.offset, length: pieces.host.length)
            try checkTopic(topic)
            return NtfyURL(origin: "https://ntfy.sh", host: "ntfy.sh", port: nil, secure: true, topic: topic.text, auth: nil)
        }
        let (host, port) = try pieces.hostAndPort(example: example)
        let topic = try pieces.onlySegment("topic", example: example, oneOnly: topicRule)
        try checkTopic(topic)
        var auth: Auth?
        if let user = pieces.user {
            if let password = pieces.password {
                guard !user.text.isEmpty else { throw NotificationURLProblem("has a password but no user name before \":\"", at: user.offset) }
                auth = .basic(user: user.text, password: password.text)
            } else if user.text.hasPrefix("tk_") {
                auth = .token(user.text)
            } else {
                throw NotificationURLProblem(
                    "has a user name without a password; write user:password@ for a user, or an access token that starts with tk_",
                    at: user.offset)
            }
        }
        let secure = pieces.scheme == "ntfys"
        return NtfyURL(
            origin: NotificationURL.origin(secure: secure, host: host, port: port), host: host, port: port, secure: secure, topic: topic.text,
            auth: auth)
    }

    private static func checkTopic(_ topic: URLPieces.Piece) throws(NotificationURLProblem) {
        try topic.require("topic", extra: "_-", example: example)
        if topic.text.count > 64 { throw NotificationURLProblem("has a topic longer than 64 characters, which ntfy refuses", at: topic.offset) }
    }
}
