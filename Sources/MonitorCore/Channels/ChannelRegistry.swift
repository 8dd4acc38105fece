/// Every kind of channel, listed once. The route decoder finds a route's channel key through it,
/// ``AlertRoute/Channel``'s `Codable` form goes through it, and the state's `channel_kind` table
/// is filled from ``AlertRoute/Channel/kinds``.
///
/// Adding a channel (say syslog):
/// 1. `Channels/Syslog/` here: `SyslogChannel` (its value and `Codable` form) conforming to
///    ``ChannelConfiguration`` (its kind, keys, example and YAML decoding with located messages);
/// 2. in this file: `case syslog(SyslogChannel)`, its line in ``AlertRoute/Channel/configuration``
///    (the compiler asks for it) and `SyslogChannel.self` in ``all``;
/// 3. `MonitorRuntime/Channels/Syslog/`: its transport, conforming `SyslogChannel` to
///    `ChannelTransport`, and its line in `MonitorRuntime/Channels/ChannelTransport.swift` (the
///    compiler asks for it too);
/// 4. `schemas/monitor-config.schema.json` and `docs/configuration.md`.
///
/// A service reached by a notification URL (ntfy, Telegram...) is not a channel: it is a case of
/// ``NotificationURL/Service`` under the one `url` channel, added in `Channels/URL/Services/` and
/// `MonitorRuntime/Channels/URL/Services/` (see ``NotificationServices``).
enum ChannelRegistry {
    /// The kinds in the order messages list them ("\"email:\" or \"webhook:\"").
    static let all: [any ChannelConfiguration.Type] = [
        EmailChannel.self,
        WebhookChannel.self,
        URLChannel.self,
    ]

    /// The kind declared by `key`, if any.
    static func kind(named key: String) -> (any ChannelConfiguration.Type)? {
        all.first { $0.kind == key }
    }
}

extension AlertRoute {
    /// How a route reaches people: one case per kind in ``ChannelRegistry``.
    ///
    /// Encoded as written in YAML, `{"email": {...}}` (see `AlertRoute.Channel+Codable.swift`).
    public enum Channel: Sendable, Hashable {
        case email(EmailChannel)
        case webhook(WebhookChannel)
        case url(URLChannel)

        /// The value inside, as its kind. The one switch over channels in MonitorCore.
        var configuration: any ChannelConfiguration {
            switch self {
            case .email(let channel): channel
            case .webhook(let channel): channel
            case .url(let channel): channel
            }
        }
    }
}

extension AlertRoute.Channel {
    /// Every kind of channel, by the key that declares it in YAML and names it in the state.
    public static let kinds = ChannelRegistry.all.map { $0.kind }

    /// The key that declares this channel in YAML (`email:`, `webhook:`), or names it (`url` for
    /// `url:` / `url_env:`).
    public var kind: String { type(of: configuration).kind }
}
