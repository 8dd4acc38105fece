/// `matrix://` (HTTP) and `matrixs://` (HTTPS): `matrixs://ACCESS_TOKEN@homeserver[:port]/ROOM`,
/// the room as its id (`!abc:example.org`) or an alias (`#backups:example.org`, or `%23backups:...`).
public struct MatrixURL: NotificationServiceURL {
    static let name = "Matrix"
    static let schemes = ["matrix", "matrixs"]
    static let example = "matrixs://syt_abc123@matrix.example.org/!roomid:example.org"

    public var host: String
    public var port: Int?
    public var secure: Bool
    public var accessToken: String
    /// `!id:server` or `#alias:server`.
    public var room: String

    public var origin: String { NotificationURL.origin(secure: secure, host: host, port: port) }

    var service: NotificationURL.Service { .matrix(self) }
    var secrets: [String] { [accessToken] }
    var secretName: String { "its access token" }
    var fields: [String: String] {
        ["host": host, "port": port.map(String.init) ?? "", "secure": String(secure), "access_token": accessToken, "room": room]
    }

    static func read(_ pieces: URLPieces) throws(NotificationURLProblem) -> MatrixURL {
        _ = try pieces.options(allowed: [], service: name)
        guard let token = pieces.user else {
            throw NotificationURLProblem("has no access token; write matrixs://ACCESS_TOKEN@homeserver/ROOM", at: pieces.authority.offset)
        }
        if let password = pieces.password {
            throw NotificationURLProblem(
                "has user:password; monitor signs in with an access token only: write matrixs://ACCESS_TOKEN@homeserver/ROOM", at: password.offset - 1
            )
        }
        try token.require("access token", extra: "_-.=", example: example)
        let (host, port) = try pieces.hostAndPort(example: example)
        let room = try pieces.onlySegment("room", example: example, oneOnly: "one room per URL; declare another route for another room")
        guard let sigil = room.text.first, sigil == "!" || sigil == "#" else {
            throw NotificationURLProblem(
                "has the room \"\(room.text)\"; write its id (!abc:example.org) or its alias (#backups:example.org)", at: room.offset)
        }
        guard let colon = room.text.firstIndex(of: ":"), room.text.distance(from: room.text.startIndex, to: colon) > 1,
            room.text.index(after: colon) < room.text.endIndex
        else {
            throw NotificationURLProblem("has the room \"\(room.text)\" without its server; write e.g. \(sigil)backups:example.org", at: room.offset)
        }
        return MatrixURL(host: host, port: port, secure: pieces.scheme == "matrixs", accessToken: token.text, room: room.text)
    }
}
