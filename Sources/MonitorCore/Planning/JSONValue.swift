import Foundation

/// A JSON value, used to compare and show fields of configuration objects generically.
public enum JSONValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Any encodable value as JSON.
    public init(encoding value: some Encodable) throws {
        let data = try JSONEncoder.canonical.encode(value)
        // JSONSerialization rather than `JSONDecoder` into `JSONValue`: decoding by trial
        // (`try?` each type in turn) made planning 10,000 jobs take seconds.
        self = JSONValue(foundation: try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    /// A value from `JSONSerialization`, telling booleans from numbers by their Objective-C type.
    init(foundation value: Any) {
        switch value {
        case let string as String: self = .string(string)
        case let number as NSNumber:
            self = String(cString: number.objCType) == "c" ? .bool(number.boolValue) : .number(number.doubleValue)
        case let array as [Any]: self = .array(array.map(JSONValue.init(foundation:)))
        case let object as [String: Any]: self = .object(object.mapValues(JSONValue.init(foundation:)))
        default: self = .null
        }
    }

    /// Compact JSON with sorted keys: `"0 2 * * *"`, `3`, `["a","b"]`, `{"team":"data"}`.
    public var description: String {
        (try? String(decoding: JSONEncoder.canonical.encode(self), as: UTF8.self)) ?? "?"
    }

    /// Nested objects flattened to dotted paths (`email.smtp_url`); arrays stay whole.
    public func flattened(prefix: String = "") -> [String: JSONValue] {
        guard case .object(let fields) = self, !fields.isEmpty || prefix.isEmpty else { return [prefix: self] }
        var result: [String: JSONValue] = [:]
        for (key, value) in fields {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if case .object(let inner) = value, !inner.isEmpty {
                result.merge(value.flattened(prefix: path)) { a, _ in a }
            } else {
                result[path] = value
            }
        }
        return result
    }
}

extension JSONEncoder {
    /// Sorted keys and no escaped slashes: the same value always gives the same bytes.
    public static var canonical: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
