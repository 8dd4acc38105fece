import Foundation
import MonitorCore

/// The encodings an Internet message needs (RFC 5322 header folding, RFC 2047 encoded-words,
/// RFC 2045 quoted-printable). Whatever text comes in, what goes out is 7-bit ASCII with CRLF
/// line ends only where these functions put them, which is what makes header injection
/// impossible: a CR or LF in a value never reaches the message as a line break.
enum MIMEEncoding {
    /// RFC 5322's recommended maximum line length, CRLF excluded.
    static let lineLimit = 78

    /// `Name: word word` folded (CRLF + space) between words to keep lines within 78 columns.
    /// Each word must be free of line breaks, which every function below guarantees.
    static func header(_ name: String, _ words: [String]) -> String {
        var result = name + ":"
        var column = result.utf8.count
        for word in words {
            if column > name.utf8.count + 1, column + 1 + word.utf8.count > lineLimit {
                result += "\r\n " + word
                column = 1 + word.utf8.count
            } else {
                result += " " + word
                column += 1 + word.utf8.count
            }
        }
        return result + "\r\n"
    }

    /// Unstructured text (a subject) as words: ASCII words stay readable, and each run of words
    /// that need it (non-ASCII, looking like an encoded-word, or too long to fold) becomes
    /// encoded-words, spaces inside the run included (whitespace between two encoded-words is
    /// not displayed).
    static func unstructuredWords(_ text: String) -> [String] {
        let words = clean(text).split(separator: " ").map(String.init)
        var result: [String] = []
        var run: [String] = []
        func flush() {
            if !run.isEmpty { result += encodedWords(run.joined(separator: " ")) }
            run = []
        }
        for word in words {
            if needsEncoding(word) {
                run.append(word)
            } else {
                flush()
                result.append(word)
            }
        }
        flush()
        return result
    }

    /// A mailbox as header words: `Display Name <local@domain>`, the name quoted or encoded as
    /// its characters require.
    static func mailboxWords(_ address: EmailAddress) -> [String] {
        guard let name = address.displayName.map(clean), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            return [address.address]
        }
        return phraseWords(name) + ["<\(address.address)>"]
    }

    /// A display name: atoms as they are, a quoted-string for other printable ASCII, encoded-words otherwise.
    static func phraseWords(_ name: String) -> [String] {
        if name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) {
            if name.unicodeScalars.allSatisfy({ $0 == " " || atext.contains($0) }) && !name.contains("=?") {
                return name.split(separator: " ").map(String.init)
            }
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return ["\"\(escaped)\""]
        }
        return encodedWords(name)
    }

    /// RFC 2047 "B" encoded-words of at most 75 characters, never splitting a character.
    static func encodedWords(_ text: String) -> [String] {
        // 75 - "=?UTF-8?B?".count - "?=".count = 63 base64 characters, i.e. 45 bytes.
        let chunkLimit = 45
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > chunkLimit {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words
    }

    /// Quoted-printable of UTF-8 `text` with CRLF line ends and soft breaks within 76 columns.
    /// Line breaks of any kind in `text` (LF, CRLF, CR) become CRLF.
    static func quotedPrintable(_ text: String) -> String {
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var output = ""
        for (index, line) in unified.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { output += "\r\n" }
            let bytes = Array(line.utf8)
            var column = 0
            for (position, byte) in bytes.enumerated() {
                let isLast = position == bytes.count - 1
                let literal =
                    (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == 0x20 || byte == 0x09) && !isLast)
                let token = literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
                // Keep room for the "=" of a soft break: encoded lines stay within 76 characters.
                if column + token.utf8.count > 75 {
                    output += "=\r\n"
                    column = 0
                }
                output += token
                column += token.utf8.count
            }
        }
        return output
    }

    /// `text` for HTML: the five characters that could open markup or end an attribute, escaped.
    static func html(_ text: String) -> String { HTMLText.escape(text) }

    /// RFC 5322 date-time in UTC: `Tue, 24 Nov 2026 01:00:00 +0000`.
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.weekday, .year, .month, .day, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let day = String(format: "%02d", c.day ?? 1)
        let year = String(format: "%04d", c.year ?? 1970)
        let time = String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        return "\(weekdays[(c.weekday ?? 1) - 1]), \(day) \(months[(c.month ?? 1) - 1]) \(year) \(time) +0000"
    }

    /// Text with every control or invisible direction-changing character (CR and LF included)
    /// replaced by a space: what may go into a header.
    static func clean(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: text.unicodeScalars.map { SafeText.isUnsafe($0) ? " " : $0 })
        return result
    }

    private static func needsEncoding(_ word: String) -> Bool {
        word.utf8.count > 70 || word.contains("=?") || !word.unicodeScalars.allSatisfy(\.isASCII)
    }

    /// RFC 5322 `atext`: what a display-name word may hold without quotes.
    private static let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".unicodeScalars)
}
