/// Reads the text of a cron expression into a ``CronPattern``.
///
/// Works on the `Character`s of the original text so that every error carries the offset of
/// the token at fault, ready for a caret under it.
struct CronParser {
    /// A run of non-blank characters, `start..<end` in `chars`.
    struct Token {
        let start: Int
        let end: Int
    }

    static let fieldList = "minute hour day-of-month month day-of-week"

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    let chars: [Character]

    init(_ text: String) { chars = Array(text) }

    func text(_ range: Range<Int>) -> String { String(chars[range]) }

    func parse() throws(CronParseError) -> (expression: String, pattern: CronPattern) {
        let tokens = tokenize()
        guard let first = tokens.first, let last = tokens.last else {
            throw CronParseError(
                message: "empty schedule: expected 5 fields (\(Self.fieldList)) or a macro such as @daily", offset: 0)
        }
        let expression = text(first.start..<last.end)
        if chars[first.start] == "@" { return (expression, try parseMacro(tokens)) }
        guard tokens.count == 5 else {
            // Point at the first extra field, or just past the last one where a field is missing.
            let offset = tokens.count > 5 ? tokens[5].start : last.end
            throw CronParseError(
                message: "expected 5 fields (\(Self.fieldList)), found \(tokens.count)", offset: offset)
        }
        var bits: [UInt64] = []
        for (field, token) in zip(CronField.allCases, tokens) {
            bits.append(try parseField(field, token))
        }
        // Sunday may be written 7; fold it onto 0 so that weekdays are 0-6.
        let daysOfWeek = (bits[4] & 0x7F) | (bits[4] >> 7 & 1)
        // Vixie cron: a day field "is restricted" unless its text starts with `*`.
        let domRestricted = chars[tokens[2].start] != "*"
        let dowRestricted = chars[tokens[4].start] != "*"
        let pattern = CronPattern(
            minutes: bits[0], hours: bits[1], daysOfMonth: bits[2], months: bits[3], daysOfWeek: daysOfWeek,
            daysMatchEither: domRestricted && dowRestricted
        )
        if !pattern.daysMatchEither { try Self.checkFires(pattern, dayOfMonth: tokens[2]) }
        return (expression, pattern)
    }

    private func tokenize() -> [Token] {
        var tokens: [Token] = []
        var start: Int?
        for index in 0...chars.count {
            let isBlank = index == chars.count || chars[index].isWhitespace
            if isBlank, let tokenStart = start {
                tokens.append(Token(start: tokenStart, end: index))
                start = nil
            } else if !isBlank, start == nil {
                start = index
            }
        }
        return tokens
    }

    private func parseMacro(_ tokens: [Token]) throws(CronParseError) -> CronPattern {
        let macro = tokens[0]
        let name = text(macro.start..<macro.end)
        if name.lowercased() == "@reboot" {
            throw CronParseError(
                message:
                    "@reboot is not supported: a monitor needs a schedule to know when a backup is due; use a 5-field expression or @hourly, @daily, @weekly, @monthly, @yearly",
                offset: macro.start
            )
        }
        guard let expansion = Self.macros[name.lowercased()] else {
            throw CronParseError(
                message:
                    "unknown macro \"\(name)\"; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly",
                offset: macro.start
            )
        }
        if tokens.count > 1 {
            throw CronParseError(
                message: "unexpected text after \(name): a macro replaces all 5 fields", offset: tokens[1].start)
        }
        // The expansions are constant and valid.
        return try CronParser(expansion).parse().pattern
    }
}
