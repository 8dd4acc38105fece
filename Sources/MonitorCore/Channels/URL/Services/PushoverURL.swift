/// `pover://USER_KEY@APP_TOKEN[/DEVICE]`: the user (or group) key, the application's API token,
/// and optionally one device; without one, every device of the user.
public struct PushoverURL: NotificationServiceURL {
    static let name = "Pushover"
    static let schemes = ["pover"]
    static let example = "pover://uQiRzpo4DXghDmr9QzzfQu27cmVRsG@azGDORePK8gMaC0QOYAMyEEuzJnyUi"
    /// Where the API lives unless `api_url` says otherwise.
    public static let origin = "https://api.pushover.net"

    public var userKey: String
    public var token: String
    public var device: String?

    var service: NotificationURL.Service { .pushover(self) }
    var secrets: [String] { [userKey, token] }
    var secretName: String { "its user key and application token" }
    var fields: [String: String] { ["user_key": userKey, "token": token, "device": device ?? ""] }

    static func read(_ pieces: URLPieces) throws(NotificationURLProblem) -> PushoverURL {
        _ = try pieces.options(allowed: [], service: name)
        guard let user = pieces.user else {
            throw NotificationURLProblem("has no user key; write pover://USER_KEY@APP_TOKEN", at: pieces.authority.offset)
        }
        if let password = pieces.password {
            throw NotificationURLProblem("has \":\" in the user key; write pover://USER_KEY@APP_TOKEN", at: password.offset - 1)
        }
        try user.require("user key", example: example)
        try pieces.host.require("application token", example: example)
        var device: String?
        if !pieces.path.isEmpty {
            let piece = try pieces.onlySegment("device", example: example, oneOnly: "one device per URL; leave it out to reach every device")
            try piece.require("device name", extra: "_-", example: "phone")
            if piece.text.count > 25 { throw NotificationURLProblem("has a device name longer than 25 characters", at: piece.offset) }
            device = piece.text
        }
        return PushoverURL(userKey: user.text, token: pieces.host.text, device: device)
    }
}
