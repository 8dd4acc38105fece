import Foundation

extension CronSchedule {
    /// How far `next`/`latest` look before giving up, in days. The longest gap between two
    /// occurrences of a valid schedule is February 29 on a given weekday (`0 0 29 2 */3`
    /// style, when day-of-week starts with `*`): 28 years, 40 across a non-leap century year.
    static let searchDays = 50 * 366

    /// The first scheduled instant strictly after `instant`, computed in `timeZone`.
    ///
    /// Returns nil when nothing fires within about 50 years, or for an instant too far from
    /// the present to compute with (more than about 6,000 years away).
    public func next(after instant: Date, in timeZone: TimeZone) -> Date? {
        guard let after = Self.wholeSeconds(instant) else { return nil }
        let clock = WallClock(timeZone: timeZone)
        let span = clock.steadySpan(around: after)
        // Readings up to the one shown at `after` resolve to instants at or before it, because
        // resolving readings keeps their order; so the search starts at the following minute.
        let reading = span.map { after + $0.offset } ?? clock.reading(at: after)
        var minute = reading.floorDivided(by: 60) + 1
        let lastDay = minute.floorDivided(by: CivilDate.minutesPerDay) + Self.searchDays
        while let candidate = pattern.firstMinute(atOrAfter: minute, through: lastDay) {
            let fire = span?.instant(forReading: candidate * 60) ?? clock.instant(forReading: candidate * 60)
            if fire > after { return Date(timeIntervalSince1970: Double(fire)) }
            // A repeated reading whose first instance is already past, or a skipped reading
            // that collapsed onto a transition already returned: never fire twice.
            minute = candidate + 1
        }
        return nil
    }

    /// The latest scheduled instant at or before `instant` (`<=`), computed in `timeZone`.
    ///
    /// It is an element of the sequence `next(after:in:)` produces: `next(after: p - 1s) == p`.
    public func latest(atOrBefore instant: Date, in timeZone: TimeZone) -> Date? {
        guard let upTo = Self.wholeSeconds(instant) else { return nil }
        let clock = WallClock(timeZone: timeZone)
        let span = clock.steadySpan(around: upTo)
        // After a backward jump, readings above the current one may still resolve to earlier
        // instants (their first instance): start from the highest reading shown so far.
        let reading = span.map { upTo + $0.offset } ?? clock.highestReading(atOrBefore: upTo)
        var minute = reading.floorDivided(by: 60)
        let firstDay = minute.floorDivided(by: CivilDate.minutesPerDay) - Self.searchDays
        while let candidate = pattern.lastMinute(atOrBefore: minute, through: firstDay) {
            let fire = span?.instant(forReading: candidate * 60) ?? clock.instant(forReading: candidate * 60)
            if fire <= upTo { return Date(timeIntervalSince1970: Double(fire)) }
            minute = candidate - 1
        }
        return nil
    }

    /// `instant` rounded down to whole seconds. Occurrences fall on whole seconds, so "after x"
    /// and "after floor(x)" agree, as do "at or before x" and "at or before floor(x)".
    static func wholeSeconds(_ instant: Date) -> Int? {
        let seconds = instant.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 2e11 else { return nil }
        return Int(seconds.rounded(.down))
    }
}
