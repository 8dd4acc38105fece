import Foundation
import MonitorCore

/// A Teams Workflows (Power Automate) webhook: `POST .../workflows/ID/triggers/manual/paths/invoke`
/// with `api-version`, `sp`, `sv` and `sig` in the query, and a message holding one Adaptive Card
/// (the shape of Teams' "Post to a channel when a webhook request is received" template): the
/// headline coloured by the event, the opening sentence, the facts as a FactSet, the message, and
/// a button to the dashboard.
struct WorkflowsSender: ServiceSender {
    let url: WorkflowsURL

    func send(_ alert: Alert, through delivery: URLDelivery) throws(DeliveryError) {
        try delivery.send(request(alert, routeName: delivery.routeName, origin: delivery.origin(url.origin)))
    }

    func request(_ alert: Alert, routeName: String, origin: String) -> ServiceRequest {
        let prefix = url.powerAutomate ? "/powerautomate/automations/direct" : ""
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let query = [
            ("api-version", url.apiVersion), ("sp", "/triggers/manual/run"), ("sv", "1.0"), ("sig", url.signature),
        ].map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $1)" }.joined(separator: "&")
        let endpoint = "\(origin)\(prefix)/workflows/\(url.workflow)/triggers/manual/paths/invoke?\(query)"
        return .json(.post, endpoint, Self.card(ChatMessage(alert, routeName: routeName)))
    }

    static func card(_ message: ChatMessage) -> Message {
        let color =
            switch message.tone {
            case .problem: "Attention"
            case .reminder: "Warning"
            case .resolved: "Good"
            case .test: "Accent"
            }
        var body: [Element] = [
            .text(message.title, weight: "Bolder", size: "Medium", color: color),
            .text(message.words.intro),
            .facts(message.words.facts.filter { $0.label != "Link" }.map { Fact(title: $0.label, value: $0.value) }),
        ]
        body += message.words.occurrenceLines.map { .text("• \($0)") }
        let quoted = message.messageLines()
        if !quoted.isEmpty { body.append(.text(quoted.joined(separator: "\n\n"), isSubtle: true)) }
        let actions = message.link.map { [Action(title: "Open in monitor", url: $0)] } ?? []
        return Message(attachments: [.init(content: .init(body: body, actions: actions))])
    }

    struct Message: Encodable {
        var type = "message"
        var attachments: [Attachment]

        struct Attachment: Encodable {
            var contentType = "application/vnd.microsoft.card.adaptive"
            var contentURL: String? = nil
            var content: Card

            enum CodingKeys: String, CodingKey {
                case contentType, content
                case contentURL = "contentUrl"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(contentType, forKey: .contentType)
                try container.encodeNil(forKey: .contentURL)
                try container.encode(content, forKey: .content)
            }
        }
    }

    struct Card: Encodable {
        var schema = "http://adaptivecards.io/schemas/adaptive-card.json"
        var type = "AdaptiveCard"
        var version = "1.4"
        var body: [Element]
        var actions: [Action]
        var msteams = ["width": "Full"]

        enum CodingKeys: String, CodingKey {
            case type, version, body, actions, msteams
            case schema = "$schema"
        }
    }

    struct Fact: Encodable {
        var title: String
        var value: String
    }

    struct Action: Encodable {
        var type = "Action.OpenUrl"
        var title: String
        var url: String

        init(title: String, url: String) {
            self.title = title
            self.url = url
        }
    }

    /// A TextBlock or a FactSet.
    enum Element: Encodable {
        case textBlock(text: String, weight: String?, size: String?, color: String?, isSubtle: Bool)
        case factSet([Fact])

        static func text(_ text: String, weight: String? = nil, size: String? = nil, color: String? = nil, isSubtle: Bool = false) -> Element {
            .textBlock(text: text, weight: weight, size: size, color: color, isSubtle: isSubtle)
        }

        static func facts(_ facts: [Fact]) -> Element { .factSet(facts) }

        private enum CodingKeys: String, CodingKey {
            case type, text, weight, size, color, isSubtle, wrap, facts
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .textBlock(let text, let weight, let size, let color, let isSubtle):
                try container.encode("TextBlock", forKey: .type)
                try container.encode(text, forKey: .text)
                try container.encode(true, forKey: .wrap)
                try container.encodeIfPresent(weight, forKey: .weight)
                try container.encodeIfPresent(size, forKey: .size)
                try container.encodeIfPresent(color, forKey: .color)
                if isSubtle { try container.encode(true, forKey: .isSubtle) }
            case .factSet(let facts):
                try container.encode("FactSet", forKey: .type)
                try container.encode(facts, forKey: .facts)
            }
        }
    }
}
