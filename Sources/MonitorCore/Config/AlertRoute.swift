/// Who hears about problems, and how (SPEC §2 `alert_routes:`, §6).
public struct AlertRoute: Sendable, Hashable, Codable {
    public var name: String
    /// One of the kinds in `ChannelRegistry` (`Channels/ChannelRegistry.swift`).
    public var channel: Channel
    /// Problems this route receives; RESOLVED and REMINDER follow them.
    public var on: [Problem]
    public var sendResolved: Bool
    public var repeatInterval: TimeSpan?

    public init(name: String, channel: Channel, on: [Problem] = Problem.heardByDefault, sendResolved: Bool = true, repeatInterval: TimeSpan? = nil) {
        self.name = name
        self.channel = channel
        self.on = on
        self.sendResolved = sendResolved
        self.repeatInterval = repeatInterval
    }

    enum CodingKeys: String, CodingKey {
        case name, channel, on
        case sendResolved = "send_resolved"
        case repeatInterval = "repeat_interval"
    }
}
