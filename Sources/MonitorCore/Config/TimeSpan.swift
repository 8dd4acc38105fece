/// A length of time written like `90s`, `15m`, `3h`, `2d` or `1h30m`; always strictly positive.
///
/// Named `TimeSpan` rather than `Duration` so that it never shadows the standard library's type.
public struct TimeSpan: Sendable, Hashable, Comparable, TextCodable {
    public let seconds: Int64

    public init(seconds: Int64) {
        precondition(seconds > 0, "a TimeSpan is strictly positive")
        self.seconds = seconds
    }

    /// Units in the order they must appear, with their length in seconds.
    static let units: [(Character, Int64)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
    /// The longest length accepted, a hundred years of days (also the largest number in one part).
    static let maximumPart: Int64 = 36_500 * 86_400

    /// Parses `1h30m`-style text. Each unit at most once, largest first; no spaces, no signs.
    ///
    /// Every refusal says what to write instead, computed from the text when possible
    /// (`30m1h` → `1h30m`, `3hours` → `3h`, `1.5h` → `1h30m`).
    public init(parsing text: String) throws(TimeSpanParseError) {
        guard !text.isEmpty else { throw .init("a duration cannot be empty; write e.g. 15m, 3h or 1h30m") }
        func refuse(_ reason: String) -> TimeSpanParseError { .init("invalid duration \"\(text)\": \(reason)") }
        if let sign = text.first, sign == "-" || sign == "+" {
            let rest = String(text.dropFirst())
            let fix = (try? TimeSpan(parsing: rest)).map { "; write \($0)" } ?? ""
            throw refuse(sign == "-" ? "a duration cannot be negative\(fix)" : "durations have no sign\(fix)")
        }
        if text.contains(where: \.isWhitespace) {
            let joined = String(text.filter { !$0.isWhitespace })
            let fix = (try? TimeSpan(parsing: joined)).map { "; write \($0)" } ?? ""
            throw refuse("remove the spaces\(fix)")
        }
        let parts = try Self.parts(of: text, refuse: refuse)
        var total: Int64 = 0
        var nextUnit = 0
        for part in parts {
            let index = Self.units.firstIndex { $0.0 == part.unit }!
            if index < nextUnit {
                let sum = parts.reduce(Int64(0)) { $0.addingReportingOverflow($1.seconds).partialValue }
                throw refuse("units go from largest to smallest, each once (d, h, m, s)\(sum > 0 ? "; write \(TimeSpan(seconds: sum))" : "")")
            }
            total += part.seconds
            nextUnit = index + 1
        }
        guard total > 0 else { throw refuse("must be greater than zero") }
        guard total <= Self.maximumPart else { throw refuse("is longer than \(TimeSpan(seconds: Self.maximumPart)), the longest accepted") }
        self.init(seconds: total)
    }

    /// One `<number><unit>` part, with the unit already known to be one of `units`.
    private struct Part {
        let number: Int64
        let unit: Character
        var seconds: Int64 { number * TimeSpan.units.first { $0.0 == unit }!.1 }
    }

    /// Splits the text into parts, refusing fractions, unknown or spelt-out units and bare numbers.
    private static func parts(of text: String, refuse: (String) -> TimeSpanParseError) throws(TimeSpanParseError) -> [Part] {
        var parts: [Part] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(digits.count)
            if let mark = rest.first, mark == "." || mark == ",", !digits.isEmpty {
                let fraction = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
                let word = rest.dropFirst(1 + fraction.count).prefix(while: \.isLetter)
                let value = Double("\(digits).\(fraction)") ?? 0
                let length = units.first { String($0.0) == word.lowercased() }?.1
                // `exactly:` — a fraction too large for 64 bits gets no suggestion rather than a trap.
                let fix = length.flatMap { Int64(exactly: (value * Double($0)).rounded()) }
                    .flatMap { $0 > 0 && $0 <= maximumPart ? TimeSpan(seconds: $0) : nil }
                throw refuse("use whole numbers\(fix.map { "; write \($0)" } ?? ", e.g. 90m rather than 1.5h")")
            }
            let word = rest.prefix(while: \.isLetter)
            rest = rest.dropFirst(word.count)
            if word.isEmpty, let other = rest.first {
                throw refuse("unexpected \"\(other)\"; write a number and a unit, e.g. 15m, 3h or 1h30m")
            }
            guard !digits.isEmpty else { throw refuse("expected a number before \"\(word)\"") }
            guard let number = Int64(digits), number <= maximumPart else { throw refuse("\(digits) is too large") }
            guard !word.isEmpty else {
                let next = parts.last.flatMap { last in units.firstIndex { $0.0 == last.unit } }.map { $0 + 1 } ?? 2
                let example = next < units.count ? "\(text)\(units[next].0)" : "\(digits)m"
                throw refuse("a unit is missing after \(digits); use d, h, m or s (e.g. \(example))")
            }
            parts.append(Part(number: number, unit: try unit(named: String(word), number: number, in: text, refuse: refuse)))
        }
        return parts
    }

    /// Spellings operators reach for, mapped to the one-letter unit.
    private static let aliases: [String: Character] = [
        "sec": "s", "secs": "s", "second": "s", "seconds": "s",
        "min": "m", "mins": "m", "minute": "m", "minutes": "m",
        "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
        "day": "d", "days": "d",
    ]

    private static func unit(named word: String, number: Int64, in text: String, refuse: (String) -> TimeSpanParseError)
        throws(TimeSpanParseError) -> Character
    {
        if word.count == 1, let unit = word.first, units.contains(where: { $0.0 == unit }) { return unit }
        let lowered = word.lowercased()
        if aliases[lowered] != nil || (lowered.count == 1 && units.contains { String($0.0) == lowered }) {
            throw refuse("write units as one lowercase letter (d, h, m or s): \(respelled(text))")
        }
        switch lowered {
        case "w", "wk", "wks", "week", "weeks":
            throw refuse("weeks are not a unit; write \(number * 7)d")
        case "ms", "us", "µs", "ns":
            throw refuse("durations count whole seconds; the shortest is 1s")
        case "mo", "mon", "month", "months", "y", "yr", "year", "years":
            throw refuse("months and years are not units (their length varies); write days, e.g. 30d")
        default:
            throw refuse("unknown unit \"\(word)\"; use d, h, m or s (e.g. 1h30m)")
        }
    }

    /// `text` with each spelt-out or upper-case unit replaced by its letter: `1Hour30mins` → `1h30m`.
    private static func respelled(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            let digits = rest.prefix { !$0.isLetter }
            let word = rest.dropFirst(digits.count).prefix(while: \.isLetter)
            rest = rest.dropFirst(digits.count + word.count)
            let lowered = word.lowercased()
            out += digits + (aliases[lowered].map(String.init) ?? lowered)
        }
        return out
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

}

public struct TimeSpanParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
