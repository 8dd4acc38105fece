import Foundation
import MonitorCore

/// ntfy's JSON publishing (`POST /` with `{"topic","title","message","priority","tags","click"}`),
/// authenticated with HTTP Basic or a bearer access token when the URL has one.
struct NtfySender: ServiceSender {
    let url: NtfyURL

    func send(_ alert: Alert, through delivery: URLDelivery) throws(DeliveryError) {
        try delivery.send(request(alert, routeName: delivery.routeName, origin: delivery.origin(url.origin)))
    }

    func request(_ alert: Alert, routeName: String, origin: String) -> ServiceRequest {
        let message = ChatMessage(alert, routeName: routeName)
        let (priority, tag): (Int, String) =
            switch message.tone {
            case .problem: (4, "rotating_light")
            case .reminder: (4, "repeat")
            case .resolved: (3, "white_check_mark")
            case .test: (3, "test_tube")
            }
        var headers: [String] = []
        switch url.auth {
        case .basic(let user, let password): headers.append("Authorization: Basic \(Data("\(user):\(password)".utf8).base64EncodedString())")
        case .token(let token): headers.append("Authorization: Bearer \(token)")
        case nil: break
        }
        return .json(
            .post, origin + "/",
            Publish(topic: url.topic, title: message.title, message: message.plainBody, priority: priority, tags: [tag], click: message.link),
            headers: headers)
    }

    struct Publish: Encodable {
        var topic: String
        var title: String
        var message: String
        var priority: Int
        var tags: [String]
        var click: String?
    }
}
