/// Who hears about problems, and how (SPEC §2 `alert_routes:`, §6).
public struct AlertRoute: Sendable, Hashable, Codable {
    public var name: String
    /// One of the kinds in `ChannelRegistry` (`Channels/ChannelRegistry.swift`).
    public var channel: Channel
    /// Problems this route receives; RESOLVED and REMINDER follow them.
    public var on: [Problem]
    public var sendResolved: Bool
    public var repeatInterval: TimeSpan?
    /// `match:` — the route also hears every job whose labels have, for each key, one of the
    /// values listed (SPEC §16). `nil` when not written, so stored routes plan no change.
    public var match: [String: [String]]?

    public init(name: String, channel: Channel, on: [Problem] = Problem.heardByDefault, sendResolved: Bool = true, repeatInterval: TimeSpan? = nil) {
        self.name = name
        self.channel = channel
        self.on = on
        self.sendResolved = sendResolved
        self.repeatInterval = repeatInterval
    }

    enum CodingKeys: String, CodingKey {
        case name, channel, on, match
        case sendResolved = "send_resolved"
        case repeatInterval = "repeat_interval"
    }
}

extension AlertRoute {
    /// Whether `match:` selects a job with these labels: every key present with one of its values.
    public func matches(labels: [String: String]) -> Bool {
        guard let match, !match.isEmpty else { return false }
        return match.allSatisfy { key, values in labels[key].map(values.contains) ?? false }
    }

    /// The routes that hear `job`: those it lists in `routes:`, in its order, then those whose
    /// `match:` selects its labels, by name. Each once.
    public static func reaching(_ job: Job, among routes: [AlertRoute]) -> [AlertRoute] {
        let byName = Dictionary(routes.map { ($0.name, $0) }) { first, _ in first }
        let listed = job.routes.compactMap { byName[$0] }
        let matched = routes.filter { !job.routes.contains($0.name) && $0.matches(labels: job.labels) }.sorted { $0.name < $1.name }
        return listed + matched
    }
}
