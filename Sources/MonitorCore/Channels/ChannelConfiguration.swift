import Yams

/// What one kind of channel brings: the key that names it, its stored form (`Codable`) and the
/// reading of its YAML mapping. Each folder under `Channels/` conforms its configuration value
/// to it (`EmailChannel`, `WebhookChannel`); ``ChannelRegistry`` lists the conforming types.
///
/// Internal: the YAML reader it takes is. Other modules see ``AlertRoute/Channel`` and its
/// ``AlertRoute/Channel/kind``.
protocol ChannelConfiguration: Sendable, Hashable, Codable {
    /// The key that declares the channel in YAML (`email:`), wraps it in plans and the state
    /// (`{"email": {...}}`) and names it in the state's `channel_kind` table. Never renamed once
    /// shipped: states written before hold it.
    static var kind: String { get }

    /// The keys of its YAML mapping, so that one written on the route itself is told where it
    /// belongs ("it belongs under \"email:\"").
    static var keys: [String] { get }

    /// The key that most surely marks a mapping as this channel's, so that one written under
    /// another channel is told where it belongs (`to` for e-mail, `url` for a webhook).
    static var telltaleKey: String { get }

    /// The smallest valid declaration: the YAML mapping written under the channel's key. Tests
    /// decode and round-trip it for every registered kind, so a new kind is covered as it lands.
    static var example: String { get }

    /// Where its keys are written: in a mapping under ``kind`` (the default), or on the route itself.
    static var placement: ChannelPlacement { get }

    /// This value as a route's channel: the registry's case for it.
    var channel: AlertRoute.Channel { get }

    /// Reads and validates the mapping under the channel's key (for ``ChannelPlacement/route``, the
    /// route's own mapping), reporting every problem with its location through `decoder.reader`;
    /// `nil` when anything is wrong.
    ///
    /// - Parameters:
    ///   - what: the mapping in messages, e.g. `email of alert route "ops"`.
    ///   - route: the route in messages, e.g. `alert route "ops"`.
    ///   - location: where the channel's key is written (its first declaring key), for problems of
    ///     the mapping as a whole.
    static func decode(
        _ node: Node, in document: YAMLDocument, what: String, route: String, at location: SourceLocation,
        with decoder: ConfigDecoder
    ) -> Self?
}

/// Where a channel's keys are written on a route.
enum ChannelPlacement: Sendable {
    /// In a mapping under the kind's key: `email: {to: ..., from: ...}`.
    case mapping
    /// On the route itself, beside `on:`: `url: ntfys://...` or `url_env: VAR`, plus `api_url:`.
    /// `declaring` are the keys that declare the channel (one of them is required), `optional` the
    /// keys that only go with them.
    case route(declaring: [String], optional: [String])
}

extension ChannelConfiguration {
    static var placement: ChannelPlacement { .mapping }

    /// The keys whose presence on a route declares this channel: the kind's key for a mapping.
    static var declaringKeys: [String] {
        switch placement {
        case .mapping: [kind]
        case .route(let declaring, _): declaring
        }
    }

    /// The keys this channel adds to the route's own keys: the kind's key, or its keys on the route.
    static var routeKeys: [String] {
        switch placement {
        case .mapping: [kind]
        case .route(let declaring, let optional): declaring + optional
        }
    }

    /// ``decode(_:in:what:route:at:with:)`` as a route's channel, for callers that hold the kind
    /// as `any ChannelConfiguration.Type` (the registry).
    static func decodeChannel(
        _ node: Node, in document: YAMLDocument, what: String, route: String, at location: SourceLocation,
        with decoder: ConfigDecoder
    ) -> AlertRoute.Channel? {
        decode(node, in: document, what: what, route: route, at: location, with: decoder)?.channel
    }

    /// The stored form under `key` as a route's channel, for callers that hold the kind as
    /// `any ChannelConfiguration.Type` (the registry).
    static func decodeChannel<Key: CodingKey>(from container: KeyedDecodingContainer<Key>, forKey key: Key) throws -> AlertRoute.Channel {
        try container.decode(Self.self, forKey: key).channel
    }
}
