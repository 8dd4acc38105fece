import Foundation
import Yams

enum RouteDecoding {
    static let keys = ["email", "webhook", "on", "send_resolved", "repeat_interval"]
    static let webhookKeys = ["url", "url_env", "format"]
    static let hints: [String: String] = {
        var hints: [String: String] = [:]
        for key in EmailDecoding.keys { hints[key] = "under \"email:\"" }
        for key in webhookKeys { hints[key] = "under \"webhook:\"" }
        return hints
    }()
    static let channelHints: [String: String] = ["on": "to the route itself, one level up", "send_resolved": "to the route itself, one level up",
                                                 "repeat_interval": "to the route itself, one level up"]
}

extension ConfigDecoder {
    func decodeRoute(_ declaration: Declaration) -> Located<AlertRoute>? {
        let what = "alert route \"\(declaration.name)\""
        let document = declaration.document
        guard let entries = reader.mapping(declaration.value, in: document, what: what, allowed: RouteDecoding.keys,
                                           elsewhere: RouteDecoding.hints) else { return nil }
        var valid = true
        var channel: AlertRoute.Channel?
        switch (entries["email"], entries["webhook"]) {
        case (let email?, nil):
            channel = decodeEmail(email, in: document, what: "email of \(what)", route: what, at: entries.keyLocation("email")!).map(AlertRoute.Channel.email)
        case (nil, let webhook?):
            channel = decodeWebhook(webhook, in: document, what: "webhook of \(what)", route: what, at: entries.keyLocation("webhook")!).map(AlertRoute.Channel.webhook)
        case (_?, _?):
            reader.error("\(what) has both \"email\" and \"webhook\"; declare one route per channel", at: entries.keyLocation("webhook")!)
        case (nil, nil):
            reader.error("\(what) needs a channel: \"email:\" or \"webhook:\"", at: declaration.location)
        }
        var route = AlertRoute(name: declaration.name, channel: .webhook(.init(target: .url("http://placeholder.invalid"))))
        if let node = entries["on"] {
            if let verdicts = decodeVerdictList(node, in: document, what: "on of \(what)") { route.on = verdicts } else { valid = false }
        }
        if let node = entries["send_resolved"] {
            if let flag = reader.boolean(node, in: document, what: "send_resolved of \(what)") { route.sendResolved = flag } else { valid = false }
        }
        if let node = entries["repeat_interval"] {
            if let span = reader.duration(node, in: document, what: "repeat_interval of \(what)") { route.repeatInterval = span } else { valid = false }
        }
        guard let channel, valid else { return nil }
        route.channel = channel
        return Located(route, at: declaration.location)
    }

    private func decodeVerdictList(_ node: Node, in document: YAMLDocument, what: String) -> [Verdict]? {
        guard let items = reader.sequence(node, in: document, what: what, example: "[FAILED, MISSING]") else { return nil }
        let allowed = Verdict.problems.map(\.rawValue)
        guard !items.isEmpty else {
            reader.error("\(what) is empty, so the route would never be used; list some of \(NodeReader.alternatives(allowed)) or remove the route",
                         at: document.location(of: node))
            return nil
        }
        var verdicts: [Verdict] = []
        var valid = true
        for item in items {
            guard let text = reader.string(item, in: document, what: what, expected: NodeReader.alternatives(allowed)) else { valid = false; continue }
            guard let verdict = Verdict(rawValue: text), verdict.isProblem else {
                let extra = text == "RESOLVED" ? "; RESOLVED is sent when send_resolved is true" :
                    text == "REMINDER" ? "; reminders are sent when repeat_interval is set" :
                    Suggestion.didYouMean(text.uppercased() == text ? text : text.uppercased(), in: allowed)
                reader.error("\(what) lists \"\(text)\"; routes receive \(NodeReader.alternatives(allowed))\(extra)", at: document.location(of: item))
                valid = false
                continue
            }
            if verdicts.contains(verdict) {
                reader.error("\(what) lists \"\(text)\" twice", at: document.location(of: item))
                valid = false
            }
            verdicts.append(verdict)
        }
        return valid ? verdicts : nil
    }

    /// - Parameter location: where `webhook:` is written, for problems of the mapping as a whole.
    private func decodeWebhook(_ node: Node, in document: YAMLDocument, what: String, route: String, at location: SourceLocation) -> WebhookChannel? {
        guard let entries = reader.mapping(node, in: document, what: what, allowed: RouteDecoding.webhookKeys,
                                           elsewhere: RouteDecoding.channelHints.merging(["to": "under \"email:\""]) { a, _ in a })
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
            guard let chosen = reader.choice(node, in: document, what: "webhook.format of \(route)", as: WebhookChannel.Format.self) else { return nil }
            format = chosen
        }
        return target.map { WebhookChannel(target: $0, format: format) }
    }
}
