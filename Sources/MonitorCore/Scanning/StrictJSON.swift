import Foundation

/// A JSON value as a status file holds it, without the losses of `JSONSerialization`: numbers
/// keep their text (so `1.0`, `1e3` and `true` are not taken for the size `1`), and objects
/// cannot repeat a key (a hostile file could otherwise say `"status"` twice).
enum StrictJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number exactly as written, e.g. `-1`, `1834`, `1.5e3`.
    case number(String)
    case string(String)
    case array([StrictJSON])
    case object([String: StrictJSON])

    /// How the value appears in a message: `found number 3`, `found "abc"`, `found a list`.
    var shown: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let text): "number \(text.count > 40 ? text.prefix(40) + "…" : text)"
        case .string(let text): SafeText.quoted(text)
        case .array: "a list"
        case .object: "an object"
        }
    }
}

/// Why bytes are not JSON, and where (a byte offset into the input).
struct StrictJSONError: Error, Equatable {
    var offset: Int
    var reason: String

    /// `line 3, column 5` (1-based; columns count characters, not bytes).
    func position(in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}

/// A small recursive-descent parser for RFC 8259 JSON over UTF-8 bytes.
///
/// Hand-written rather than `JSONSerialization` so that it keeps number text, refuses duplicate
/// keys, reports byte positions on every platform, and bounds nesting: a file of a million `[`
/// must produce an error, not a stack overflow.
struct StrictJSONParser {
    static let maximumDepth = 32

    private let bytes: [UInt8]
    private var index = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses one JSON value filling all of `bytes` (a leading UTF-8 byte-order mark is skipped).
    static func parse(_ bytes: [UInt8]) throws(StrictJSONError) -> StrictJSON {
        var parser = StrictJSONParser(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.index < bytes.count { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private func error(_ reason: String, at offset: Int? = nil) -> StrictJSONError {
        StrictJSONError(offset: offset ?? index, reason: reason)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// What the byte at the cursor is, for messages (never a raw control character).
    private var found: String {
        guard let byte = current else { return "the end of the file" }
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return String(format: "byte 0x%02X", byte)
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func value(depth: Int) throws(StrictJSONError) -> StrictJSON {
        skipWhitespace()
        guard let byte = current else { throw error("expected a value, found the end of the file") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("expected a value, found \(found)")
        }
    }

    private mutating func literal(_ word: String) throws(StrictJSONError) {
        let expected = Array(word.utf8)
        guard bytes[index...].starts(with: expected) else { throw error("expected a value, found \(found)") }
        index += expected.count
    }

    private mutating func object(depth: Int) throws(StrictJSONError) -> StrictJSON {
        guard depth <= Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
        index += 1
        var members: [String: StrictJSON] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a key in double quotes, found \(found)") }
            let keyOffset = index
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after the key \(SafeText.quoted(key)), found \(found)") }
            index += 1
            let member = try value(depth: depth)
            guard members.updateValue(member, forKey: key) == nil else {
                throw error("the key \(SafeText.quoted(key)) appears twice in one object", at: keyOffset)
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default: throw error("expected ',' or '}' after an object member, found \(found)")
            }
        }
    }

    private mutating func array(depth: Int) throws(StrictJSONError) -> StrictJSON {
        guard depth <= Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
        index += 1
        var elements: [StrictJSON] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try value(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default: throw error("expected ',' or ']' after a list element, found \(found)")
            }
        }
    }

    private mutating func number() throws(StrictJSONError) -> String {
        let start = index
        func digits(_ parser: inout StrictJSONParser) -> Int {
            let first = parser.index
            while let byte = parser.current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { parser.index += 1 }
            return parser.index - first
        }
        if current == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits(&self)
        guard integerDigits > 0 else { throw error("expected a digit, found \(found)") }
        if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") {
            throw error("a number cannot start with 0", at: integerStart)
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw error("expected a digit after '.', found \(found)") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw error("expected a digit in the exponent, found \(found)") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A string literal, cursor on its opening quote. Raw control characters are refused (JSON
    /// requires them escaped) and the content must be valid UTF-8, lone surrogates included.
    private mutating func string() throws(StrictJSONError) -> String {
        let start = index
        index += 1
        var content: [UInt8] = []
        while true {
            guard let byte = current else { throw error("a string is not closed (it starts here)", at: start) }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let text = String(validating: content, as: UTF8.self) else {
                    throw error("the string that starts here is not valid UTF-8", at: start)
                }
                return text
            case UInt8(ascii: "\\"):
                index += 1
                try escape(into: &content)
            case 0x00..<0x20:
                throw error("a control character (byte 0x\(String(byte, radix: 16, uppercase: true))) inside a string must be escaped")
            default:
                content.append(byte)
                index += 1
            }
        }
    }

    private mutating func escape(into content: inout [UInt8]) throws(StrictJSONError) {
        guard let byte = current else { throw error("a string is not closed") }
        index += 1
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
            UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let replacement = simple[byte] {
            content.append(replacement)
            return
        }
        guard byte == UInt8(ascii: "u") else { throw error("unknown escape '\\\(Character(Unicode.Scalar(byte)))'", at: index - 2) }
        let escapeStart = index - 2
        var scalar = try hexQuad()
        if (0xD800..<0xDC00).contains(scalar) {
            guard bytes[index...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else {
                throw error("a \\u escape names half of a surrogate pair", at: escapeStart)
            }
            index += 2
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low) else { throw error("a \\u escape names half of a surrogate pair", at: escapeStart) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw error("a \\u escape names half of a surrogate pair", at: escapeStart) }
        content.append(contentsOf: Array(String(Character(unicode)).utf8))
    }

    private mutating func hexQuad() throws(StrictJSONError) -> UInt32 {
        guard index + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16),
            bytes[index..<index + 4].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") })
        else { throw error("expected four hexadecimal digits after \\u") }
        index += 4
        return value
    }
}
