extension CronParser {
    private static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    /// Refuses a schedule whose day-of-month exists in none of its months (`0 0 30 2 *`).
    ///
    /// Only needed when the day fields combine with AND: with OR, day-of-week alone matches
    /// days in every month. With AND, any day that exists in a month meets every weekday within
    /// the search horizon, so existence is the whole question. February counts 29 days.
    static func checkFires(_ pattern: CronPattern, dayOfMonth token: Token) throws(CronParseError) {
        let months = (1...12).filter { pattern.months.hasBit($0) }
        let longest = months.map { CivilDate.daysInMonth(year: 2000, month: $0) }.max() ?? 0
        guard pattern.daysOfMonth.trailingZeroBitCount > longest else { return }
        let days = (1...31).filter { pattern.daysOfMonth.hasBit($0) }.map(String.init)
        let monthList = list(months.map { monthNames[$0 - 1] }, joinedBy: "and")
        throw CronParseError(
            message:
                "schedule never fires: \(monthList) \(months.count == 1 ? "has" : "have") no day \(list(days, joinedBy: "or"))",
            offset: token.start
        )
    }

    /// "A", "A and B", "A, B and C".
    private static func list(_ items: [String], joinedBy conjunction: String) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + last
    }
}
