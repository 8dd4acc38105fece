/// `tgram://BOT_TOKEN/CHAT_ID`: a bot token from @BotFather (`123456789:AA...`) and one chat, a
/// numeric id (`-100...` for groups and channels) or a public `@channelname`.
public struct TelegramURL: NotificationServiceURL {
    static let name = "Telegram"
    static let schemes = ["tgram"]
    static let example = "tgram://123456789:AAbbCCdd/-1001234567890"
    /// Where the Bot API lives unless `api_url` says otherwise.
    public static let origin = "https://api.telegram.org"

    public var botToken: String
    public var chat: String

    var service: NotificationURL.Service { .telegram(self) }
    var secrets: [String] { [botToken] }
    var secretName: String { "its bot token" }
    var fields: [String: String] { ["bot_token": botToken, "chat": chat] }

    static func read(_ pieces: URLPieces) throws(NotificationURLProblem) -> TelegramURL {
        _ = try pieces.options(allowed: [], service: name)
        // The token's ":" is not a port: the authority is read whole.
        let authority = pieces.authority
        try pieces.refuseUserinfo("has \"@\" in the bot token; write tgram://BOT_TOKEN/CHAT_ID")
        var token = authority.text
        var offset = authority.offset
        if token.lowercased().hasPrefix("bot") {
            token.removeFirst(3)
            offset += 3
        }
        guard let colon = token.firstIndex(of: ":") else {
            throw NotificationURLProblem(
                "has no bot token: a token looks like 123456789:AA... (digits, \":\", then letters), as @BotFather gives it", at: authority.offset)
        }
        let id = URLPieces.Piece(text: String(token[..<colon]), offset: offset, length: token.distance(from: token.startIndex, to: colon))
        let key = URLPieces.Piece(
            text: String(token[token.index(after: colon)...]), offset: offset + id.length + 1, length: token.count - id.length - 1)
        try id.require("bot id", digitsOnly: true, example: example)
        try key.require("bot token", extra: "_-", example: example)
        let chat = try pieces.onlySegment(
            "chat id", example: example, oneOnly: "one chat per URL; declare another route for another chat")
        if chat.text.hasPrefix("@") {
            let name = URLPieces.Piece(text: String(chat.text.dropFirst()), offset: chat.offset + 1, length: chat.length - 1)
            try name.require("channel name", extra: "_", example: "@backups_channel")
        } else {
            let digits = URLPieces.Piece(
                text: String(chat.text.drop { $0 == "-" }), offset: chat.offset + (chat.text.hasPrefix("-") ? 1 : 0), length: chat.length)
            guard chat.text.filter({ $0 == "-" }).count <= 1 else {
                throw NotificationURLProblem("has a chat id with more than one \"-\"", at: chat.offset)
            }
            do { try digits.require("chat id", digitsOnly: true, example: "-1001234567890") } catch {
                throw NotificationURLProblem(error.message + " (or @ and a public channel's name)", at: error.offset)
            }
        }
        return TelegramURL(botToken: id.text + ":" + key.text, chat: chat.text)
    }
}
