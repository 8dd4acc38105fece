import Foundation
import Yams

/// The keys of a route and the hints for keys written at the wrong level, built from
/// ``ChannelRegistry`` so that a new kind of channel is known here without an edit.
enum RouteDecoding {
    /// The route's own keys besides its channel's.
    static let settingKeys = ["on", "send_resolved", "repeat_interval"]
    /// Channel kinds first, in the registry's order, as messages list them.
    static let keys = AlertRoute.Channel.kinds + settingKeys
    /// A channel's key written on the route itself: where it belongs.
    static let hints: [String: String] = {
        var hints: [String: String] = [:]
        for channel in ChannelRegistry.all {
            for key in channel.keys { hints[key] = "under \"\(channel.kind):\"" }
        }
        return hints
    }()

    /// For the mapping of `channel`: the route's keys belong one level up, and another kind's
    /// telltale key (`url`, `to`) belongs under that kind.
    static func hints(inside channel: any ChannelConfiguration.Type) -> [String: String] {
        var hints = Dictionary(uniqueKeysWithValues: settingKeys.map { ($0, "to the route itself, one level up") })
        for other in ChannelRegistry.all where other.kind != channel.kind && hints[other.telltaleKey] == nil {
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
        let channel = decodeChannel(entries, in: document, route: what, declaredAt: declaration.location)
        var verdicts = Verdict.problems
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
        guard let channel, valid else { return nil }
        let route = AlertRoute(name: declaration.name, channel: channel, on: verdicts, sendResolved: sendResolved, repeatInterval: repeatInterval)
        return Located(route, at: declaration.location)
    }

    /// The one channel key of a route, found through ``ChannelRegistry`` and read by its kind.
    private func decodeChannel(
        _ entries: NodeReader.Entries, in document: YAMLDocument, route: String,
        declaredAt location: SourceLocation
    ) -> AlertRoute.Channel? {
        let present = ChannelRegistry.all.filter { entries[$0.kind] != nil }
        guard let found = present.first, let node = entries[found.kind], let keyLocation = entries.keyLocation(found.kind) else {
            let keys = AlertRoute.Channel.kinds.map { "\($0):" }
            reader.error("\(route) needs a channel: \(NodeReader.alternatives(keys))", at: location)
            return nil
        }
        guard present.count == 1 else {
            let names = NodeReader.alternatives(present.map { $0.kind }, joiner: "and")
            reader.error(
                "\(route) has \(present.count == 2 ? "both " : "")\(names); declare one route per channel",
                at: entries.keyLocation(present[1].kind)!)
            return nil
        }
        return found.decodeChannel(node, in: document, what: "\(found.kind) of \(route)", route: route, at: keyLocation, with: self)
    }

    private func decodeVerdictList(_ node: Node, in document: YAMLDocument, what: String) -> [Verdict]? {
        guard let items = reader.sequence(node, in: document, what: what, example: "[FAILED, MISSING]") else { return nil }
        let allowed = Verdict.problems.map(\.rawValue)
        guard !items.isEmpty else {
            reader.error(
                "\(what) is empty, so the route would never be used; list some of \(NodeReader.alternatives(allowed)) or remove the route",
                at: document.location(of: node))
            return nil
        }
        var verdicts: [Verdict] = []
        var valid = true
        for item in items {
            guard let text = reader.string(item, in: document, what: what, expected: NodeReader.alternatives(allowed)) else {
                valid = false
                continue
            }
            guard let verdict = Verdict(rawValue: text), verdict.isProblem else {
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
