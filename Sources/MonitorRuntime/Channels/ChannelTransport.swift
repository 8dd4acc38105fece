import MonitorCore

/// How one kind of channel reaches people. Each folder under `Channels/` conforms its
/// configuration value (`EmailChannel`, `WebhookChannel`) to it, next to its transport;
/// ``LiveTransport`` delivers and describes every route through it.
protocol ChannelTransport: Sendable {
    /// Sends `alert` through this channel with `live`'s timeouts, environment and cancellation;
    /// returns when the far side accepted it, throws what went wrong otherwise.
    func deliver(_ alert: Alert, routeName: String, with live: LiveTransport) throws(DeliveryError)

    /// How the channel reaches people, for messages ("email to ops@example.com"); never a secret.
    func describe(environment: (String) -> String?) -> String
}

extension AlertRoute.Channel {
    /// The channel's transport: MonitorRuntime's half of the channel registry
    /// (`MonitorCore/Channels/ChannelRegistry.swift` is the other).
    ///
    /// One exhaustive switch rather than a lookup by kind: Core's registry cannot name Runtime's
    /// types, and a table or a dynamic cast (`as? any ChannelTransport`) would turn a forgotten
    /// transport into a failure at send time. Here a new case in `AlertRoute.Channel` does not
    /// compile until its transport is named, one line per kind.
    var transport: any ChannelTransport {
        switch self {
        case .email(let channel): channel
        case .webhook(let channel): channel
        case .url(let channel): channel
        }
    }
}
