/// A channel encodes the way it is written in YAML, `{"email": {...}}` or `{"webhook": {...}}`,
/// so that plans and the state read naturally. Exactly one key, and one that
/// ``ChannelRegistry`` knows: anything else is a decoding error, never a guess.
extension AlertRoute.Channel: Codable {
    /// Any key, so that an unknown one can be named in the error.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let keys = container.allKeys.map(\.stringValue).sorted()
        guard keys.count == 1, let key = container.allKeys.first, let kind = ChannelRegistry.kind(named: key.stringValue) else {
            let known = Self.kinds.map { "\"\($0)\"" }.joined(separator: ", ")
            let found = keys.isEmpty ? "none" : keys.map { "\"\($0)\"" }.joined(separator: ", ")
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "a channel has exactly one key of \(known); found \(found)"))
        }
        self = try kind.decodeChannel(from: container, forKey: key)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        let configuration = configuration
        try container.encode(configuration, forKey: Key(stringValue: type(of: configuration).kind))
    }
}
