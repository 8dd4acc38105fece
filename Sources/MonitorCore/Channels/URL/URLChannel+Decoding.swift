import Foundation
import Yams

extension URLChannel: ChannelConfiguration {
    static let kind = "url"
    /// Written on the route itself: no mapping of its own.
    static let keys: [String] = []
    static let telltaleKey = "url"
    static let example = NtfyURL.example
    static let placement = ChannelPlacement.route(declaring: ["url", "url_env"], optional: ["api_url"])

    var channel: AlertRoute.Channel { .url(self) }

    /// `node` is the route's mapping: `url`, `url_env` and `api_url` are keys of the route.
    static func decode(
        _ node: Node, in document: YAMLDocument, what: String, route: String, at location: SourceLocation,
        with decoder: ConfigDecoder
    ) -> URLChannel? {
        decoder.decodeURLChannel(node, in: document, route: route, at: location)
    }
}

extension ConfigDecoder {
    fileprivate func decodeURLChannel(_ node: Node, in document: YAMLDocument, route: String, at location: SourceLocation) -> URLChannel? {
        // The route's keys were already checked (unknown, repeated) by the route's reading.
        var entries: [String: (key: Node, value: Node)] = [:]
        if case .mapping(let mapping) = node {
            for (key, value) in mapping {
                if case .scalar(let scalar) = key, URLChannel.routeKeys.contains(scalar.string), entries[scalar.string] == nil {
                    entries[scalar.string] = (key, value)
                }
            }
        }
        var target: URLChannel.Target?
        var valid = true
        switch (entries["url"], entries["url_env"]) {
        case (let url?, nil):
            target = notificationURL(url.value, in: document, what: "url of \(route)").map(URLChannel.Target.url)
        case (nil, let env?):
            let purpose = "the notification URL of \(route)"
            if let name = reader.environmentVariable(env.value, in: document, what: "url_env of \(route)", purpose: purpose) {
                reader.refer(to: .notificationURL(variable: name, purpose: purpose, location: document.location(of: env.value)))
                target = .env(name)
            }
        case (_?, let env?):
            reader.error("\(route) has both \"url\" and \"url_env\"; keep one", at: document.location(of: env.key))
        case (nil, nil):
            reader.error("\(route) has \"api_url\" but no \"url\" or \"url_env\" (the notification URL it applies to)", at: location)
        }
        var apiURL: String?
        if let entry = entries["api_url"] {
            apiURL = self.apiURL(entry.value, in: document, what: "api_url of \(route)")
            if apiURL == nil { valid = false }
        }
        guard valid, let target else { return nil }
        return URLChannel(target: target, apiURL: apiURL)
    }

    /// A literal notification URL: read, located problems, and a warning when it holds a secret.
    private func notificationURL(_ node: Node, in document: YAMLDocument, what: String) -> NotificationURL? {
        guard let text = reader.string(node, in: document, what: what, expected: "a notification URL such as \(NtfyURL.example)") else { return nil }
        do {
            let url = try NotificationURL(parsing: text)
            if url.holdsSecret {
                reader.refer(
                    to: .literalSecret(
                        message: """
                            \(what) holds a secret of \(url.serviceName) (\(url.service.fields.secretName)) in the configuration; \
                            put the URL in an environment variable and write url_env: VARIABLE instead
                            """,
                        location: document.location(of: node)))
            }
            return url
        } catch {
            reader.error("\(what) \(error.message)", at: reader.contentLocation(of: node, in: document, offset: error.offset))
            return nil
        }
    }

    /// `http(s)://host[:port][/path]`, without credentials, query or fragment; stored without a trailing `/`.
    private func apiURL(_ node: Node, in document: YAMLDocument, what: String) -> String? {
        guard let text = reader.string(node, in: document, what: what, expected: "an http:// or https:// URL such as http://127.0.0.1:8080") else {
            return nil
        }
        func fail(_ message: String, at offset: Int) -> String? {
            reader.error("\(what) \(message)", at: reader.contentLocation(of: node, in: document, offset: offset))
            return nil
        }
        let lowered = text.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
            return fail("must start with http:// or https://, found \"\(text)\"", at: 0)
        }
        if let bad = text.firstIndex(where: { $0 == "?" || $0 == "#" || $0 == "@" || $0.isWhitespace }) {
            return fail(
                "has \"\(text[bad])\"; write only the origin and an optional path prefix, e.g. https://proxy.example.com/telegram",
                at: text.distance(from: text.startIndex, to: bad))
        }
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            return fail("has no host name; write e.g. http://127.0.0.1:8080", at: lowered.hasPrefix("https") ? 8 : 7)
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}
