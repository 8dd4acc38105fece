/// `discord://[BOTNAME@]WEBHOOK_ID/WEBHOOK_TOKEN`: the two parts of a channel's webhook URL
/// (`https://discord.com/api/webhooks/ID/TOKEN`), and optionally the name the messages show.
public struct DiscordURL: NotificationServiceURL {
    static let name = "Discord"
    static let schemes = ["discord"]
    static let example = "discord://123456789012345678/AbCdEf-GhIj_kl"
    /// Where webhooks live unless `api_url` says otherwise.
    public static let origin = "https://discord.com"

    public var webhookID: String
    public var webhookToken: String
    public var botName: String?

    var service: NotificationURL.Service { .discord(self) }
    var secrets: [String] { [webhookToken] }
    var secretName: String { "its webhook token" }
    var fields: [String: String] {
        ["webhook_id": webhookID, "webhook_token": webhookToken, "botname": botName ?? ""]
    }

    static func read(_ pieces: URLPieces) throws(NotificationURLProblem) -> DiscordURL {
        _ = try pieces.options(allowed: [], service: name)
        if let password = pieces.password {
            throw NotificationURLProblem("has \":\" in the bot name; write discord://NAME@WEBHOOK_ID/WEBHOOK_TOKEN", at: password.offset - 1)
        }
        let id = pieces.host
        try id.require("webhook id", digitsOnly: true, example: example)
        let token = try pieces.onlySegment(
            "webhook token", example: example, oneOnly: "write discord://WEBHOOK_ID/WEBHOOK_TOKEN")
        try token.require("webhook token", extra: "_-", example: example)
        if let user = pieces.user, user.text.isEmpty { throw NotificationURLProblem("has an empty bot name before \"@\"", at: user.offset) }
        return DiscordURL(webhookID: id.text, webhookToken: token.text, botName: pieces.user?.text)
    }
}
