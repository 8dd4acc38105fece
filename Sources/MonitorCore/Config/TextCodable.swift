/// A problem found while parsing a value written as text, in words for the operator.
public protocol TextParseError: Error {
    var message: String { get }
}

/// A value written as text — in YAML, saved plans and the state alike — decoded by parsing
/// that text and encoded as its canonical description, so that every form reads the same way.
public protocol TextCodable: Codable, CustomStringConvertible {
    associatedtype ParseError: TextParseError
    init(parsing text: String) throws(ParseError)
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do throws(ParseError) { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension EmailAddressParseError: TextParseError {}
extension ListenAddressParseError: TextParseError {}
extension TimeSpanParseError: TextParseError {}
