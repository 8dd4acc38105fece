import Foundation
import Yams

/// The keys of a route and the hints for keys written at the wrong level, built from
/// ``ChannelRegistry`` so that a new kind of channel is known here without an edit.
enum RouteDecoding {
    /// The route's own keys besides its channel's.
    static let settingKeys = ["on", "send_resolved", "repeat_interval", "match"]
    /// Channel keys first (a kind's key, or the keys a channel writes on the route), in the
    /// registry's order, as messages list them.
    static let keys = ChannelRegistry.all.flatMap { $0.routeKeys } + settingKeys
    /// A channel's key written on the route itself: where it belongs.
    static let hints: [String: String] = {
        var hints: [String: String] = [:]
        for channel in ChannelRegistry.all {
            for key in channel.keys { hints[key] = "under \"\(channel.kind):\"" }
        }
        // A key a channel writes on the route is a route key, never a misplaced one.
        for key in keys { hints[key] = nil }
        return hints
    }()

    /// For the mapping of `channel`: the route's keys belong one level up, and another kind's
    /// telltale key (`url`, `to`) belongs under that kind.
    static func hints(inside channel: any ChannelConfiguration.Type) -> [String: String] {
        var hints = Dictionary(uniqueKeysWithValues: settingKeys.map { ($0, "to the route itself, one level up") })
        for other in ChannelRegistry.all where other.kind != channel.kind && hints[other.telltaleKey] == nil {
            // A channel written on the route has no mapping for its telltale key to belong under.
            if case .route = other.placement { continue }
            hints[other.telltaleKey] = "under \"\(other.kind):\""
        }
        return hints
    }
}

extension ConfigDecoder {
    func decodeRoute(_ declaration: Declaration) -> Located<AlertRoute>? {
        let what = "alert route \"\(declaration.name)\""
        let document = declaration.document
        guard
            let entries = reader.mapping(
                declaration.value, in: document, what: what, allowed: RouteDecoding.keys,
                elsewhere: RouteDecoding.hints)
        else { return nil }
        var valid = true
        let channel = decodeChannel(entries, of: declaration.value, in: document, route: what, declaredAt: declaration.location)
        var verdicts = Problem.heardByDefault
        var sendResolved = true
        var repeatInterval: TimeSpan?
        if let node = entries["on"] {
            if let list = decodeVerdictList(node, in: document, what: "on of \(what)") { verdicts = list } else { valid = false }
        }
        if let node = entries["send_resolved"] {
            if let flag = reader.boolean(node, in: document, what: "send_resolved of \(what)") { sendResolved = flag } else { valid = false }
        }
        if let node = entries["repeat_interval"] {
            if let span = reader.duration(node, in: document, what: "repeat_interval of \(what)") { repeatInterval = span } else { valid = false }
        }
        var match: [String: [String]]?
        if let node = entries["match"] {
            if let labels = decodeLabelMap(node, in: document, what: "match of \(what)", lists: true) {
                match = labels
                if labels.isEmpty {
                    reader.warning("match of \(what) is empty, so it matches no job; list labels or remove it", at: document.location(of: node))
                    match = nil
                }
            } else {
                valid = false
            }
        }
        guard let channel, valid else { return nil }
        var route = AlertRoute(name: declaration.name, channel: channel, on: verdicts, sendResolved: sendResolved, repeatInterval: repeatInterval)
        route.match = match
        return Located(route, at: declaration.location)
    }

    /// The one channel of a route, found through ``ChannelRegistry`` by the keys that declare it and
    /// read by its kind (from the mapping under its key, or from the route's own mapping `routeNode`).
    private func decodeChannel(
        _ entries: NodeReader.Entries, of routeNode: Node, in document: YAMLDocument, route: String,
        declaredAt location: SourceLocation
    ) -> AlertRoute.Channel? {
        let present = ChannelRegistry.all.filter { $0.declaringKeys.contains(where: entries.has) }
        // Keys that only go with a channel's declaring keys (`api_url` goes with `url` or `url_env`).
        let strays = ChannelRegistry.all.filter { kind in !present.contains { $0.kind == kind.kind } }.compactMap {
            kind -> (key: String, declaring: [String])? in
            guard case .route(let declaring, let optional) = kind.placement, let stray = optional.first(where: entries.has) else { return nil }
            return (stray, declaring)
        }
        for stray in strays {
            reader.error(
                "\(route) has \"\(stray.key)\", which goes with \(NodeReader.alternatives(stray.declaring.map { "\($0):" })) only",
                at: entries.keyLocation(stray.key)!)
        }
        let located = { (kind: any ChannelConfiguration.Type) in kind.declaringKeys.lazy.compactMap(entries.keyLocation).first }
        guard let found = present.first, let keyLocation = located(found) else {
            if strays.isEmpty {
                let keys = ChannelRegistry.all.flatMap { $0.declaringKeys }.map { "\($0):" }
                reader.error("\(route) needs a channel: \(NodeReader.alternatives(keys))", at: location)
            }
            return nil
        }
        guard present.count == 1 else {
            let names = NodeReader.alternatives(present.map { $0.kind }, joiner: "and")
            reader.error("\(route) has \(present.count == 2 ? "both " : "")\(names); declare one route per channel", at: located(present[1])!)
            return nil
        }
        guard strays.isEmpty else { return nil }
        let node: Node
        switch found.placement {
        case .mapping: node = entries[found.kind]!
        case .route: node = routeNode
        }
        return found.decodeChannel(node, in: document, what: "\(found.kind) of \(route)", route: route, at: keyLocation, with: self)
    }

    private func decodeVerdictList(_ node: Node, in document: YAMLDocument, what: String) -> [Problem]? {
        guard let items = reader.sequence(node, in: document, what: what, example: "[FAILED, MISSING]") else { return nil }
        let allowed = Problem.allCases.map(\.rawValue)
        guard !items.isEmpty else {
            reader.error(
                "\(what) is empty, so the route would never be used; list some of \(NodeReader.alternatives(allowed)) or remove the route",
                at: document.location(of: node))
            return nil
        }
        var verdicts: [Problem] = []
        var valid = true
        for item in items {
            guard let text = reader.string(item, in: document, what: what, expected: NodeReader.alternatives(allowed)) else {
                valid = false
                continue
            }
            guard let verdict = Problem(rawValue: text) else {
                let extra =
                    text == "RESOLVED"
                    ? "; RESOLVED is sent when send_resolved is true"
                    : text == "REMINDER"
                        ? "; reminders are sent when repeat_interval is set"
                        : Suggestion.didYouMean(text.uppercased() == text ? text : text.uppercased(), in: allowed)
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
}
