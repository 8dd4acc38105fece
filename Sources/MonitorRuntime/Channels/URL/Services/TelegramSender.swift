import Foundation
import MonitorCore

/// The Bot API's `sendMessage` (`POST /bot<TOKEN>/sendMessage`), as HTML: a bold headline, the
/// facts, the status file's message in a quote; link previews off.
struct TelegramSender: ServiceSender {
    let url: TelegramURL
    /// Telegram refuses longer texts.
    static let limit = 4_096

    func send(_ alert: Alert, through delivery: URLDelivery) throws(DeliveryError) {
        try delivery.send(request(alert, routeName: delivery.routeName, origin: delivery.origin(TelegramURL.origin)))
    }

    func request(_ alert: Alert, routeName: String, origin: String) -> ServiceRequest {
        let message = ChatMessage(alert, routeName: routeName)
        var text = message.html(lineBreak: "\n")
        if text.count > Self.limit {
            // Cutting HTML could break a tag: fall back to the plain text, clipped.
            text = ChatMessage.escape(ChatMessage.clipped(message.title + "\n" + message.plainBody, to: Self.limit - 200))
        }
        return .json(
            .post, "\(origin)/bot\(url.botToken)/sendMessage",
            SendMessage(chatID: url.chat, text: text, parseMode: "HTML", linkPreview: .init(isDisabled: true)))
    }

    struct SendMessage: Encodable {
        var chatID: String
        var text: String
        var parseMode: String
        var linkPreview: LinkPreview

        struct LinkPreview: Encodable {
            var isDisabled: Bool
            enum CodingKeys: String, CodingKey { case isDisabled = "is_disabled" }
        }

        enum CodingKeys: String, CodingKey {
            case text
            case chatID = "chat_id"
            case parseMode = "parse_mode"
            case linkPreview = "link_preview_options"
        }
    }
}
