/// A length of time written like `90s`, `15m`, `3h`, `2d` or `1h30m`; always strictly positive.
///
/// Named `TimeSpan` rather than `Duration` so that it never shadows the standard library's type.
public struct TimeSpan: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let seconds: Int64

    public init(seconds: Int64) {
        precondition(seconds > 0, "a TimeSpan is strictly positive")
        self.seconds = seconds
    }

    /// Units in the order they must appear, with their length in seconds.
    static let units: [(Character, Int64)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    /// Parses `1h30m`-style text. Each unit at most once, largest first; no spaces, no signs.
    public init(parsing text: String) throws(TimeSpanParseError) {
        guard !text.isEmpty else { throw .init("a duration cannot be empty; write e.g. 15m, 3h or 1h30m") }
        var total: Int64 = 0
        var digits = ""
        var nextUnit = 0
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            guard let index = Self.units.firstIndex(where: { $0.0 == character }) else {
                throw .init("invalid duration \"\(text)\": unknown unit \"\(character)\"; use d, h, m or s (e.g. 1h30m)")
            }
            guard !digits.isEmpty else {
                throw .init("invalid duration \"\(text)\": expected a number before \"\(character)\"")
            }
            guard index >= nextUnit else {
                throw .init("invalid duration \"\(text)\": units must go from largest to smallest, each once (d, h, m, s)")
            }
            guard let value = Int64(digits), value <= 36_500 * 86_400 else {
                throw .init("invalid duration \"\(text)\": number too large")
            }
            total += value * Self.units[index].1
            digits = ""
            nextUnit = index + 1
        }
        guard digits.isEmpty else {
            throw .init("invalid duration \"\(text)\": a unit is missing after \(digits); use d, h, m or s (e.g. \(digits)m)")
        }
        guard total > 0 else { throw .init("invalid duration \"\(text)\": must be greater than zero") }
        self.init(seconds: total)
    }

    /// Canonical form: `90m` is written `1h30m`, so that equal lengths print alike.
    public var description: String {
        var rest = seconds
        var text = ""
        for (unit, length) in Self.units where rest >= length {
            text += "\(rest / length)\(unit)"
            rest %= length
        }
        return text
    }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public struct TimeSpanParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
