import Foundation

/// Text from a status file made safe to print in a terminal, a log line, an e-mail or the ledger:
/// a hostile producer must not be able to move the cursor, clear a screen, reverse the reading
/// order of a line, or bloat the state with a megabyte of "message".
public enum SafeText {
    /// `text` in double quotes, with quotes, backslashes, control and invisible direction-changing
    /// characters escaped (`"a\nb"`, `"\u{202E}"`), cut after `limit` characters with `…`.
    public static func quoted(_ text: String, limit: Int = 80) -> String {
        var result = "\""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                result += "…"
                break
            }
            count += 1
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\0": result += "\\0"
            default:
                if isUnsafe(scalar) {
                    result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// `text` without control characters (line feeds and tabs stay) nor invisible
    /// direction-changing characters, cut to at most `maximumBytes` UTF-8 bytes on a character
    /// boundary, with a note saying how long it was when it had to be cut.
    public static func cleaned(_ text: String, maximumBytes: Int) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: text.unicodeScalars.filter { $0 == "\n" || $0 == "\t" || !isUnsafe($0) })
        let length = result.utf8.count
        guard length > maximumBytes else { return result }
        var cut = ""
        var bytes = 0
        for character in result {
            let size = character.utf8.count
            if bytes + size > maximumBytes { break }
            cut.append(character)
            bytes += size
        }
        return cut + " [… cut by monitor: \(length) bytes in all]"
    }

    /// Control characters (C0, DEL, C1), line and paragraph separators, and the bidirectional
    /// formatting characters that can make a line read differently from what it contains.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
