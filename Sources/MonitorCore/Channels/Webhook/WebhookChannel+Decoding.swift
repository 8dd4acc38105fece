import Foundation
import Yams

extension WebhookChannel: ChannelConfiguration {
    static let kind = "webhook"
    static let keys = ["url", "url_env", "format"]
    static let telltaleKey = "url"
    static let example = "url: https://hooks.example.com/monitor"

    var channel: AlertRoute.Channel { .webhook(self) }

    static func decode(
        _ node: Node, in document: YAMLDocument, what: String, route: String, at location: SourceLocation,
        with decoder: ConfigDecoder
    ) -> WebhookChannel? {
        decoder.decodeWebhook(node, in: document, what: what, route: route, at: location)
    }
}

extension ConfigDecoder {
    /// - Parameter location: where `webhook:` is written, for problems of the mapping as a whole.
    fileprivate func decodeWebhook(_ node: Node, in document: YAMLDocument, what: String, route: String, at location: SourceLocation)
        -> WebhookChannel?
    {
        guard
            let entries = reader.mapping(
                node, in: document, what: what, allowed: WebhookChannel.keys,
                elsewhere: RouteDecoding.hints(inside: WebhookChannel.self))
        else { return nil }
        var target: WebhookChannel.Target?
        switch (entries["url"], entries["url_env"]) {
        case (let url?, nil):
            target = webURL(url, in: document, what: "webhook.url of \(route)").map(WebhookChannel.Target.url)
        case (nil, let env?):
            target = reader.environmentVariable(env, in: document, what: "webhook.url_env of \(route)", purpose: "the webhook URL of \(route)")
                .map(WebhookChannel.Target.env)
        case (_?, _?):
            reader.error("\(what) has both \"url\" and \"url_env\"; keep one", at: entries.keyLocation("url_env")!)
        case (nil, nil):
            reader.error("\(what) needs \"url\" or \"url_env\" (an environment variable holding a secret URL)", at: location)
        }
        var format = WebhookChannel.Format.generic
        if let node = entries["format"] {
            guard let chosen = reader.choice(node, in: document, what: "webhook.format of \(route)", as: WebhookChannel.Format.self) else {
                return nil
            }
            format = chosen
        }
        return target.map { WebhookChannel(target: $0, format: format) }
    }
}
