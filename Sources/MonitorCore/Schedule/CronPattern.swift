/// The five fields of a schedule as bitsets: bit `n` set means value `n` is selected.
///
/// Day-of-week uses bits 0-6 with Sunday as 0 (a written 7 is folded onto 0).
struct CronPattern: Sendable, Hashable {
    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: UInt64
    let months: UInt64
    let daysOfWeek: UInt64
    /// True when both day fields are restricted: a day then matches if either field matches
    /// (Vixie cron). When one of them starts with `*`, both must match instead.
    let daysMatchEither: Bool
    /// `daysOfWeek` repeated six times (bit `i` = weekday `i % 7`), long enough to be shifted
    /// onto any month: it turns the weekday test into one shift per month.
    let weekdayRun: UInt64

    init(minutes: UInt64, hours: UInt64, daysOfMonth: UInt64, months: UInt64, daysOfWeek: UInt64, daysMatchEither: Bool) {
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = daysOfMonth
        self.months = months
        self.daysOfWeek = daysOfWeek
        self.daysMatchEither = daysMatchEither
        var run: UInt64 = 0
        for week in 0..<6 { run |= daysOfWeek << (7 * week) }
        weekdayRun = run
    }
}

extension CronPattern {
    /// Bits 1...length of the month set for the days that match (months aside).
    func dayMask(year: Int, month: Int) -> UInt64 {
        let length = CivilDate.daysInMonth(year: year, month: month)
        let inMonth: UInt64 = (1 << (length + 1)) - 2
        let firstWeekday = CivilDate.weekday(ofDay: CivilDate.day(year: year, month: month, day: 1))
        // Bit k of the shifted run says whether day k (weekday firstWeekday + k - 1) matches.
        let byWeekday = (weekdayRun >> firstWeekday) << 1
        let combined = daysMatchEither ? (daysOfMonth | byWeekday) : (daysOfMonth & byWeekday)
        return combined & inMonth
    }

    /// Whether the local calendar day `day` (days since 1970-01-01) matches.
    func matches(day: Int) -> Bool {
        let date = CivilDate(day: day)
        return months.hasBit(date.month) && dayMask(year: date.year, month: date.month).hasBit(date.day)
    }

    /// The first matching day after `day`, or nil if none comes by `lastDay`.
    func firstDay(after day: Int, through lastDay: Int) -> Int? {
        var date = CivilDate(day: day + 1)
        while true {
            if months.hasBit(date.month),
                let found = dayMask(year: date.year, month: date.month).lowestBit(atOrAbove: date.day)
            {
                let result = CivilDate.day(year: date.year, month: date.month, day: found)
                return result <= lastDay ? result : nil
            }
            date =
                date.month == 12
                ? CivilDate(year: date.year + 1, month: 1, day: 1)
                : CivilDate(year: date.year, month: date.month + 1, day: 1)
            if CivilDate.day(year: date.year, month: date.month, day: 1) > lastDay { return nil }
        }
    }

    /// The last matching day before `day`, or nil if none comes by `firstDay` (going back).
    func lastDay(before day: Int, through firstDay: Int) -> Int? {
        var date = CivilDate(day: day - 1)
        while true {
            if months.hasBit(date.month),
                let found = dayMask(year: date.year, month: date.month).highestBit(atOrBelow: date.day)
            {
                let result = CivilDate.day(year: date.year, month: date.month, day: found)
                return result >= firstDay ? result : nil
            }
            // Day 31 stands for "the end of the month": dayMask only has bits up to its length.
            date =
                date.month == 1
                ? CivilDate(year: date.year - 1, month: 12, day: 31)
                : CivilDate(year: date.year, month: date.month - 1, day: 31)
            let monthEnd = CivilDate.day(
                year: date.year, month: date.month, day: CivilDate.daysInMonth(year: date.year, month: date.month))
            if monthEnd < firstDay { return nil }
        }
    }

    /// The first matching minute of the day (0..<1440) at or after `minuteOfDay`.
    func firstTime(atOrAfter minuteOfDay: Int) -> Int? {
        let hour = minuteOfDay / 60
        if hours.hasBit(hour), let minute = minutes.lowestBit(atOrAbove: minuteOfDay % 60) { return hour * 60 + minute }
        guard let nextHour = hours.lowestBit(atOrAbove: hour + 1) else { return nil }
        return nextHour * 60 + minutes.trailingZeroBitCount
    }

    /// The last matching minute of the day (0..<1440) at or before `minuteOfDay`.
    func lastTime(atOrBefore minuteOfDay: Int) -> Int? {
        let hour = minuteOfDay / 60
        if hours.hasBit(hour), let minute = minutes.highestBit(atOrBelow: minuteOfDay % 60) {
            return hour * 60 + minute
        }
        guard hour > 0, let previousHour = hours.highestBit(atOrBelow: hour - 1) else { return nil }
        return previousHour * 60 + (63 - minutes.leadingZeroBitCount)
    }

    /// The first matching wall-clock minute (minutes since 1970-01-01 00:00 local) at or after
    /// `minute`, on a day no later than `lastDay`. Walks matching days, then hours and minutes.
    func firstMinute(atOrAfter minute: Int, through lastDay: Int) -> Int? {
        let day = minute.floorDivided(by: CivilDate.minutesPerDay)
        let minuteOfDay = minute - day * CivilDate.minutesPerDay
        if matches(day: day), let time = firstTime(atOrAfter: minuteOfDay) {
            return day * CivilDate.minutesPerDay + time
        }
        guard let next = firstDay(after: day, through: lastDay), let time = firstTime(atOrAfter: 0) else { return nil }
        return next * CivilDate.minutesPerDay + time
    }

    /// The last matching wall-clock minute at or before `minute`, on a day no earlier than `firstDay`.
    func lastMinute(atOrBefore minute: Int, through firstDay: Int) -> Int? {
        let day = minute.floorDivided(by: CivilDate.minutesPerDay)
        let minuteOfDay = minute - day * CivilDate.minutesPerDay
        if matches(day: day), let time = lastTime(atOrBefore: minuteOfDay) {
            return day * CivilDate.minutesPerDay + time
        }
        guard let previous = lastDay(before: day, through: firstDay),
            let time = lastTime(atOrBefore: CivilDate.minutesPerDay - 1)
        else { return nil }
        return previous * CivilDate.minutesPerDay + time
    }
}

extension UInt64 {
    /// Whether bit `n` (0-63) is set.
    func hasBit(_ n: Int) -> Bool { self & (1 << n) != 0 }

    /// The lowest set bit at or above `n`; Swift's smart shifts make `n >= 64` yield nil.
    func lowestBit(atOrAbove n: Int) -> Int? {
        let masked = self & (UInt64.max << n)
        return masked == 0 ? nil : masked.trailingZeroBitCount
    }

    /// The highest set bit at or below `n` (n < 63).
    func highestBit(atOrBelow n: Int) -> Int? {
        guard n >= 0 else { return nil }
        let masked = self & ((1 << (n + 1)) &- 1)
        return masked == 0 ? nil : 63 - masked.leadingZeroBitCount
    }
}
