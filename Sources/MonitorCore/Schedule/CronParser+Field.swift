extension CronParser {
    /// Bits of the values one field selects: a comma-separated list of items.
    func parseField(_ field: CronField, _ token: Token) throws(CronParseError) -> UInt64 {
        var bits: UInt64 = 0
        var itemStart = token.start
        for index in token.start...token.end where index == token.end || chars[index] == "," {
            if itemStart == index {
                throw CronParseError(
                    message: "\(field.name) \"\(text(token.start..<token.end))\" has an empty list item", offset: index)
            }
            bits |= try parseItem(field, itemStart..<index)
            itemStart = index + 1
        }
        return bits
    }

    /// One list item: `*`, `v`, `a-b`, each optionally followed by `/step`.
    private func parseItem(_ field: CronField, _ item: Range<Int>) throws(CronParseError) -> UInt64 {
        let itemText = text(item)
        for index in item where !Self.isAllowed(chars[index]) {
            throw CronParseError(
                message:
                    "unexpected character \"\(chars[index])\" in \(field.name) \"\(itemText)\": use numbers, names, *, lists (,), ranges (-) and steps (/)",
                offset: index
            )
        }
        let slash = item.first { chars[$0] == "/" }
        let base = item.lowerBound..<(slash ?? item.upperBound)
        var step = 1
        if let slash { step = try parseStep(field, slash, item) }
        if base.isEmpty {
            throw CronParseError(
                message: "\(field.name) \"\(itemText)\" is missing a value before \"/\"", offset: item.lowerBound)
        }
        let low: Int
        let high: Int
        if text(base) == "*" {
            (low, high) = (field.bounds.lowerBound, field.stepEnd)
        } else if let dash = base.first(where: { chars[$0] == "-" }) {
            (low, high) = try parseRange(field, base, dash: dash)
        } else {
            let value = try parseValue(field, base).value
            // `a/n` runs to the end of the field, as in cronie and croniter: `5/15` is `5-59/15`.
            (low, high) = slash == nil ? (value, value) : (value, max(value, field.stepEnd))
        }
        var bits: UInt64 = 0
        for value in stride(from: low, through: high, by: step) { bits |= 1 << value }
        return bits
    }

    private func parseStep(_ field: CronField, _ slash: Int, _ item: Range<Int>) throws(CronParseError) -> Int {
        let digits = (slash + 1)..<item.upperBound
        let itemText = text(item)
        if digits.isEmpty {
            throw CronParseError(message: "\(field.name) \"\(itemText)\" is missing a step after \"/\"", offset: slash)
        }
        if let second = digits.first(where: { chars[$0] == "/" }) {
            throw CronParseError(message: "\(field.name) \"\(itemText)\" has more than one \"/\"", offset: second)
        }
        guard digits.allSatisfy({ chars[$0].isASCIIDigit }), let step = Int(text(digits)) else {
            throw CronParseError(
                message: "\(field.name) step \"\(text(digits))\" is not a number", offset: digits.lowerBound)
        }
        if step == 0 {
            throw CronParseError(
                message: "\(field.name) step in \"\(itemText)\" is 0; a step must be at least 1",
                offset: digits.lowerBound)
        }
        // `*/90` in minutes selects only minute 0 — never "every 90 minutes": refuse it.
        let span = field.stepEnd - field.bounds.lowerBound
        if step > span {
            throw CronParseError(
                message:
                    "\(field.name) step \(step) in \"\(itemText)\" is larger than the field (\(field.bounds.lowerBound)-\(field.stepEnd)) and would select a single value: steps do not carry over into the next \(field.carryUnit)",
                offset: digits.lowerBound
            )
        }
        return step
    }

    private func parseRange(_ field: CronField, _ base: Range<Int>, dash: Int) throws(CronParseError) -> (Int, Int) {
        let rangeText = text(base)
        if dash == base.lowerBound {
            throw CronParseError(message: "\(field.name) range \"\(rangeText)\" is missing its start", offset: dash)
        }
        if dash + 1 == base.upperBound {
            throw CronParseError(message: "\(field.name) range \"\(rangeText)\" is missing its end", offset: dash)
        }
        if let second = ((dash + 1)..<base.upperBound).first(where: { chars[$0] == "-" }) {
            throw CronParseError(
                message: "\(field.name) range \"\(rangeText)\" has more than one \"-\"", offset: second)
        }
        let low = try parseValue(field, base.lowerBound..<dash)
        let high = try parseValue(field, (dash + 1)..<base.upperBound)
        if low.value > high.value {
            let names = low.isName || high.isName
            let suggestion =
                "\(text(base.lowerBound..<dash))-\(field.spelling(field.stepEnd, asName: names)),"
                + "\(field.spelling(field.bounds.lowerBound, asName: names))-\(text((dash + 1)..<base.upperBound))"
            throw CronParseError(
                message:
                    "\(field.name) range \"\(rangeText)\" is reversed: ranges do not wrap around; write \"\(suggestion)\"",
                offset: base.lowerBound
            )
        }
        return (low.value, high.value)
    }

    /// A number, or a three-letter name in the month and day-of-week fields.
    private func parseValue(_ field: CronField, _ range: Range<Int>) throws(CronParseError) -> (
        value: Int, isName: Bool
    ) {
        let valueText = text(range)
        if range.allSatisfy({ chars[$0].isASCIIDigit }) {
            // Too many digits for Int is simply out of range too.
            guard let value = Int(valueText), field.bounds.contains(value) else {
                throw CronParseError(
                    message:
                        "\(field.name) \"\(valueText)\" is out of range \(field.bounds.lowerBound)-\(field.bounds.upperBound)",
                    offset: range.lowerBound
                )
            }
            return (value, false)
        }
        let isWord = range.allSatisfy { chars[$0].isASCIILetter }
        guard isWord, !field.names.isEmpty else {
            let expected = field.names.isEmpty ? "a number" : "a number or a \(field.nameKind)"
            throw CronParseError(message: "\(field.name) \"\(valueText)\" is not \(expected)", offset: range.lowerBound)
        }
        guard let index = field.names.firstIndex(of: valueText.uppercased()) else {
            throw CronParseError(message: "unknown \(field.nameKind) \"\(valueText)\"", offset: range.lowerBound)
        }
        return (field.bounds.lowerBound + index, true)
    }

    private static func isAllowed(_ character: Character) -> Bool {
        character.isASCIIDigit || character.isASCIILetter || character == "*" || character == "-" || character == "/"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIILetter: Bool { isASCII && isLetter }
}
