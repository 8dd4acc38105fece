import MonitorCore

/// The commands sent and replies received during an SMTP exchange, as libcurl's debug callback
/// reports them: enough to say which recipient was refused and with what words.
///
/// Only what is safe to show is kept: arguments of `MAIL FROM` and `RCPT TO`, the verb of other
/// commands, and nothing of what follows `AUTH` (base64 credentials travel as "commands").
struct CurlTranscript {
    struct Line: Equatable {
        var sent: Bool
        var text: String
    }

    private(set) var lines: [Line] = []
    /// Bytes of a reply line not yet ended by a line feed.
    private var pending: [UInt8] = []

    /// Verbs whose full line is safe to record.
    private static let recordedWhole: Set<String> = ["MAIL", "RCPT", "EHLO", "HELO"]
    private static let knownVerbs: Set<String> = ["MAIL", "RCPT", "EHLO", "HELO", "STARTTLS", "AUTH", "DATA", "QUIT", "RSET", "NOOP"]
    /// Enough to explain a failure without growing without bound on a chatty server.
    private static let maximumLines = 64

    // Lines are split as bytes: in a Swift String "\r\n" is one Character, not a "\n".
    mutating func received(_ bytes: UnsafeRawBufferPointer) {
        pending.append(contentsOf: bytes)
        while let end = pending.firstIndex(of: 0x0A) {
            let line = Self.text(pending[..<end])
            pending.removeSubrange(...end)
            append(Line(sent: false, text: Self.printable(line)))
        }
    }

    mutating func sent(_ bytes: UnsafeRawBufferPointer) {
        let text = Self.text(bytes[...])
        let verb = String(text.prefix { $0 != " " && $0 != ":" }).uppercased()
        let kept: String
        if Self.recordedWhole.contains(verb) {
            kept = Self.printable(text)
        } else if Self.knownVerbs.contains(verb) {
            kept = verb
        } else {
            kept = "(credentials)"
        }
        append(Line(sent: true, text: kept))
    }

    /// The last reply line received before libcurl said QUIT (after a failure it still does,
    /// and "221 Bye" explains nothing), e.g. "550 5.1.1 <x@y>: mailbox unavailable".
    var lastReply: String? { beforeQuit.last { !$0.sent }?.text }

    /// The last command sent before QUIT, e.g. "DATA".
    var lastCommand: String? { beforeQuit.last { $0.sent }?.text }

    private var beforeQuit: ArraySlice<Line> {
        lines[..<(lines.lastIndex { $0.sent && $0.text == "QUIT" } ?? lines.endIndex)]
    }

    /// The last command sent whose verb is `verb`, e.g. "RCPT TO:<x@y>".
    func lastCommand(startingWith verb: String) -> String? {
        lines.last { $0.sent && $0.text.uppercased().hasPrefix(verb) }?.text
    }

    private mutating func append(_ line: Line) {
        lines.append(line)
        if lines.count > Self.maximumLines { lines.removeFirst(lines.count - Self.maximumLines) }
    }

    /// A server's words made safe to put in a log line or an error: no control characters,
    /// at most 200 characters.
    static func printable(_ text: some StringProtocol) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: text.unicodeScalars.lazy.map { SafeText.isUnsafe($0) ? " " : $0 }.prefix(200))
        return result
    }

    /// One line's bytes as text, without its line ending.
    private static func text<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> String {
        var end = bytes.endIndex
        while end > bytes.startIndex, [0x0A, 0x0D].contains(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
