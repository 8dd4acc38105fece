import Foundation
import MonitorCore

/// Pushover's `POST /1/messages.json`, form-encoded: token, user, optional device, title, an
/// HTML message (`html=1`), the dashboard link, and priority 1 (high) for problems.
struct PushoverSender: ServiceSender {
    let url: PushoverURL

    func send(_ alert: Alert, through delivery: URLDelivery) throws(DeliveryError) {
        try delivery.send(request(alert, routeName: delivery.routeName, origin: delivery.origin(PushoverURL.origin)))
    }

    func request(_ alert: Alert, routeName: String, origin: String) -> ServiceRequest {
        let message = ChatMessage(alert, routeName: routeName)
        let priority =
            switch message.tone {
            case .problem, .reminder: "1"
            case .resolved: "0"
            case .test: "-1"
            }
        var lines = [ChatMessage.escape(message.words.intro)]
        lines += message.words.facts.filter { $0.label != "Link" }.map { "<b>\(ChatMessage.escape($0.label)):</b> \(ChatMessage.escape($0.value))" }
        lines += message.words.occurrenceLines.map { "• \(ChatMessage.escape($0))" }
        lines += message.messageLines(8).map { "<i>\(ChatMessage.escape($0))</i>" }
        var fields = [("token", url.token), ("user", url.userKey)]
        if let device = url.device { fields.append(("device", device)) }
        fields += [
            ("title", ChatMessage.clipped(message.title, to: 250)), ("message", ChatMessage.clipped(lines.joined(separator: "\n"), to: 1_024)),
            ("html", "1"), ("priority", priority), ("timestamp", String(Int(alert.createdAt.timeIntervalSince1970))),
        ]
        if let link = message.link { fields += [("url", link), ("url_title", "Open in monitor")] }
        return .form("\(origin)/1/messages.json", fields)
    }
}
