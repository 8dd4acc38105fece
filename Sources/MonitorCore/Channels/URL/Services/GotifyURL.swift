/// `gotify://` (HTTP) and `gotifys://` (HTTPS): `gotifys://host[:port][/path]/APP_TOKEN`, the
/// application token last (Gotify served under a path keeps its path before the token).
public struct GotifyURL: NotificationServiceURL {
    static let name = "Gotify"
    static let schemes = ["gotify", "gotifys"]
    static let example = "gotifys://gotify.example.com/AbCdEf012345"

    public var host: String
    public var port: Int?
    public var secure: Bool
    /// `/` or `/path/`, before `message`.
    public var path: String
    public var token: String

    public var origin: String { NotificationURL.origin(secure: secure, host: host, port: port) }

    var service: NotificationURL.Service { .gotify(self) }
    var secrets: [String] { [token] }
    var secretName: String { "its application token" }
    var fields: [String: String] {
        ["host": host, "port": port.map(String.init) ?? "", "secure": String(secure), "path": path, "token": token]
    }

    static func read(_ pieces: URLPieces) throws(NotificationURLProblem) -> GotifyURL {
        _ = try pieces.options(allowed: [], service: name)
        try pieces.refuseUserinfo("has user information; Gotify is reached with the application token only, written last in the path")
        let (host, port) = try pieces.hostAndPort(example: example)
        guard let token = pieces.path.last else {
            throw NotificationURLProblem("has no application token; write it after the host, e.g. \(example)", at: pieces.length)
        }
        try token.require("application token", extra: "_-.", example: example)
        let path = "/" + pieces.path.dropLast().map { $0.text + "/" }.joined()
        return GotifyURL(host: host, port: port, secure: pieces.scheme == "gotifys", path: path, token: token.text)
    }
}
