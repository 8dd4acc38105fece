import Foundation
import MonitorCore

/// Discord's "execute webhook" (`POST /api/webhooks/ID/TOKEN?wait=true`) with one embed: the
/// headline as its title, coloured by the event, the facts as fields, the message in the
/// description. Mentions are disabled, so a status file's `@everyone` pings nobody.
struct DiscordSender: ServiceSender {
    let url: DiscordURL

    func send(_ alert: Alert, through delivery: URLDelivery) throws(DeliveryError) {
        try delivery.send(request(alert, routeName: delivery.routeName, origin: delivery.origin(DiscordURL.origin)))
    }

    func request(_ alert: Alert, routeName: String, origin: String) -> ServiceRequest {
        let message = ChatMessage(alert, routeName: routeName)
        let color =
            switch message.tone {
            case .problem: 0xD93025
            case .reminder: 0xF29900
            case .resolved: 0x188038
            case .test: 0x5865F2
            }
        var description = [message.words.intro]
        description += message.words.occurrenceLines.map { "• \($0)" }
        let quoted = message.messageLines()
        if !quoted.isEmpty { description += [""] + quoted.map { "> \($0)" } }
        let fields = message.words.facts.filter { $0.label != "Link" }.prefix(25).map {
            Embed.Field(name: ChatMessage.clipped($0.label, to: 256), value: ChatMessage.clipped($0.value, to: 1_024), inline: $0.value.count < 40)
        }
        let embed = Embed(
            title: ChatMessage.clipped("\(message.symbol) \(message.title)", to: 256),
            description: ChatMessage.clipped(description.joined(separator: "\n"), to: 4_096), url: message.link, color: color, fields: Array(fields),
            timestamp: Timestamp.string(alert.createdAt))
        return .json(
            .post, "\(origin)/api/webhooks/\(url.webhookID)/\(url.webhookToken)?wait=true",
            Execute(username: url.botName ?? "monitor", embeds: [embed], allowedMentions: .init(parse: [])))
    }

    struct Execute: Encodable {
        var username: String
        var embeds: [Embed]
        var allowedMentions: AllowedMentions

        struct AllowedMentions: Encodable { var parse: [String] }

        enum CodingKeys: String, CodingKey {
            case username, embeds
            case allowedMentions = "allowed_mentions"
        }
    }

    struct Embed: Encodable {
        var title: String
        var description: String
        var url: String?
        var color: Int
        var fields: [Field]
        var timestamp: String

        struct Field: Encodable {
            var name: String
            var value: String
            var inline: Bool
        }
    }
}
