import Foundation
import MonitorCore

/// Gotify's `POST /message` with the application token in `X-Gotify-Key`; the link opens on a click.
struct GotifySender: ServiceSender {
    let url: GotifyURL

    func send(_ alert: Alert, through delivery: URLDelivery) throws(DeliveryError) {
        try delivery.send(request(alert, routeName: delivery.routeName, origin: delivery.origin(url.origin)))
    }

    func request(_ alert: Alert, routeName: String, origin: String) -> ServiceRequest {
        let message = ChatMessage(alert, routeName: routeName)
        // Gotify's clients show 8 and above as urgent, 4 to 7 as normal, below 4 quietly.
        let priority =
            switch message.tone {
            case .problem, .reminder: 8
            case .resolved: 5
            case .test: 2
            }
        let extras = message.link.map { ["client::notification": ["click": ["url": $0]]] }
        return .json(
            .post, origin + url.path + "message", Message(title: message.title, message: message.plainBody, priority: priority, extras: extras),
            headers: ["X-Gotify-Key: \(url.token)"])
    }

    struct Message: Encodable {
        var title: String
        var message: String
        var priority: Int
        var extras: [String: [String: [String: String]]]?
    }
}
