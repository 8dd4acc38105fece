import Foundation
import Yams

enum RouteDecoding {
    static let keys = ["email", "webhook", "on", "send_resolved", "repeat_interval"]
    static let emailKeys = ["to", "from", "smtp_url", "tls", "ca_file", "username", "password_env"]
    static let webhookKeys = ["url", "url_env", "format"]
    static let hints: [String: String] = {
        var hints: [String: String] = [:]
        for key in emailKeys { hints[key] = "under \"email:\"" }
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
            channel = decodeEmail(email, in: document, what: "email of \(what)", route: what).map(AlertRoute.Channel.email)
        case (nil, let webhook?):
            channel = decodeWebhook(webhook, in: document, what: "webhook of \(what)", route: what).map(AlertRoute.Channel.webhook)
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
            guard let text = reader.string(item, in: document, what: "an entry of \(what)") else { valid = false; continue }
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

    private func decodeEmail(_ node: Node, in document: YAMLDocument, what: String, route: String) -> EmailChannel? {
        guard let entries = reader.mapping(node, in: document, what: what, allowed: RouteDecoding.emailKeys,
                                           elsewhere: RouteDecoding.channelHints.merging(["url": "under \"webhook:\""]) { a, _ in a }),
              reader.require(["to", "from", "smtp_url"], in: entries, what: what, at: document.location(of: node))
        else { return nil }
        var valid = true
        var to: [EmailAddress] = []
        if let list = reader.sequence(entries["to"]!, in: document, what: "to of \(what)", example: "[ops@example.com]") {
            if list.isEmpty { reader.error("to of \(what) needs at least one address", at: document.location(of: entries["to"]!)); valid = false }
            for item in list {
                if let address = emailAddress(item, in: document, what: "to of \(what)") { to.append(address) } else { valid = false }
            }
        } else { valid = false }
        let from = emailAddress(entries["from"]!, in: document, what: "from of \(what)")
        let url = smtpURL(entries["smtp_url"]!, in: document, what: "smtp_url of \(what)")
        var channel = EmailChannel(to: to, from: from ?? (try! EmailAddress(parsing: "a@b")), smtpURL: url ?? "")
        if let node = entries["tls"] {
            if let tls = reader.choice(node, in: document, what: "tls of \(what)", as: TLSPolicy.self) { channel.tls = tls } else { valid = false }
        }
        if let url, url.lowercased().hasPrefix("smtps://"), channel.tls == .none, let node = entries["tls"] {
            reader.error("tls of \(what) is \"none\" but smtp_url is smtps:// (TLS from the first byte); use smtp:// for a plain connection",
                         at: document.location(of: node))
            valid = false
        }
        if let node = entries["ca_file"] {
            if let path = reader.string(node, in: document, what: "ca_file of \(what)") {
                channel.caFile = resolve(path, declaredIn: document)
                reader.refer(to: .file(path: channel.caFile!, purpose: "ca_file of \(what)", location: document.location(of: node)))
            } else { valid = false }
        }
        if let node = entries["username"] {
            if let name = reader.string(node, in: document, what: "username of \(what)") { channel.username = name } else { valid = false }
        }
        if let node = entries["password_env"] {
            if let name = reader.environmentVariable(node, in: document, what: "password_env of \(what)", purpose: "the SMTP password of \(route)") {
                channel.passwordEnv = name
                if channel.username == nil, !entries.has("username") {
                    reader.error("\(what) has password_env but no username; SMTP AUTH needs both", at: document.location(of: node))
                    valid = false
                }
            } else { valid = false }
        }
        guard valid, from != nil, url != nil else { return nil }
        return channel
    }

    private func emailAddress(_ node: Node, in document: YAMLDocument, what: String) -> EmailAddress? {
        guard let text = reader.string(node, in: document, what: what) else { return nil }
        do { return try EmailAddress(parsing: text) } catch {
            reader.error("\(what): \(error.message)", at: document.location(of: node))
            return nil
        }
    }

    private func smtpURL(_ node: Node, in document: YAMLDocument, what: String) -> String? {
        guard let text = reader.string(node, in: document, what: what) else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "smtp" || scheme == "smtps"
        else {
            reader.error("\(what) must start with smtp:// or smtps://, found \"\(text)\"", at: document.location(of: node))
            return nil
        }
        guard let host = components.host, !host.isEmpty else {
            reader.error("\(what) has no host name, found \"\(text)\"", at: document.location(of: node))
            return nil
        }
        if components.password != nil || components.user != nil {
            reader.error("\(what) must not hold credentials; use \"username\" and \"password_env\"", at: document.location(of: node))
            return nil
        }
        if let port = components.port, !(1...65_535).contains(port) {
            reader.error("\(what) has an invalid port \(port)", at: document.location(of: node))
            return nil
        }
        return text
    }

    private func decodeWebhook(_ node: Node, in document: YAMLDocument, what: String, route: String) -> WebhookChannel? {
        guard let entries = reader.mapping(node, in: document, what: what, allowed: RouteDecoding.webhookKeys,
                                           elsewhere: RouteDecoding.channelHints.merging(["to": "under \"email:\""]) { a, _ in a })
        else { return nil }
        var target: WebhookChannel.Target?
        switch (entries["url"], entries["url_env"]) {
        case (let url?, nil):
            target = webURL(url, in: document, what: "url of \(what)").map(WebhookChannel.Target.url)
        case (nil, let env?):
            target = reader.environmentVariable(env, in: document, what: "url_env of \(what)", purpose: "the webhook URL of \(route)")
                .map(WebhookChannel.Target.env)
        case (_?, _?):
            reader.error("\(what) has both \"url\" and \"url_env\"; keep one", at: entries.keyLocation("url_env")!)
        case (nil, nil):
            reader.error("\(what) needs \"url\" or \"url_env\" (an environment variable holding a secret URL)", at: document.location(of: node))
        }
        var format = WebhookChannel.Format.generic
        if let node = entries["format"] {
            guard let chosen = reader.choice(node, in: document, what: "format of \(what)", as: WebhookChannel.Format.self) else { return nil }
            format = chosen
        }
        return target.map { WebhookChannel(target: $0, format: format) }
    }
}
