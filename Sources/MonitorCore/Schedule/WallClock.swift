import Foundation

/// Converts between instants and wall-clock readings in one time zone, in whole seconds since
/// 1970 (UTC for instants, local for readings), applying the SPEC §2 rule for daylight saving:
/// a reading skipped by a forward jump resolves to the transition instant (the first instant
/// after the gap); a reading that happens twice resolves to its first instance.
///
/// Only `secondsFromGMT(for:)` and `nextDaylightSavingTimeTransition(after:)` are used:
/// `Calendar.date(from:)` leaves gaps and overlaps unspecified on Linux.
struct WallClock {
    let timeZone: TimeZone

    /// Longest look-back, in seconds, within which a transition sends `steadySpan` to the slow
    /// path. Eight days keep weekly schedules on the fast path.
    static let steadyLookback = 8 * CivilDate.secondsPerDay

    func offset(at instant: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
    }

    /// The first offset change strictly after `instant`, if the zone has one.
    func transition(after instant: Int) -> Int? {
        guard let date = timeZone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(instant)))
        else {
            return nil
        }
        // Rounded up and forced forward so that walking transitions always advances.
        return Swift.max(Int(date.timeIntervalSince1970.rounded(.up)), instant + 1)
    }

    /// What a wall clock in the zone shows at `instant`.
    func reading(at instant: Int) -> Int { instant + offset(at: instant) }

    /// The instant a wall-clock `reading` stands for: its first instance, or, when the reading
    /// falls in a gap, the transition that skipped it.
    ///
    /// Walks the offset segments of the two days around the reading in order (offsets are
    /// within ±1 day of UTC, so every instance lies there) and takes the first one that
    /// contains it.
    func instant(forReading reading: Int) -> Int {
        var segmentStart = reading - 2 * CivilDate.secondsPerDay
        var segmentOffset = offset(at: segmentStart)
        while true {
            let candidate = reading - segmentOffset
            // Earlier segments showed readings below `reading`; this one starts above it: a gap.
            if candidate < segmentStart { return segmentStart }
            guard let segmentEnd = transition(after: segmentStart), candidate >= segmentEnd else { return candidate }
            segmentStart = segmentEnd
            segmentOffset = offset(at: segmentEnd)
        }
    }

    /// The highest reading the clock showed at or before `instant`. After a backward jump it is
    /// the reading just before the jump, until the clock catches up again.
    func highestReading(atOrBefore instant: Int) -> Int {
        var highest = reading(at: instant)
        var next = transition(after: instant - 2 * CivilDate.secondsPerDay)
        while let transition = next, transition <= instant {
            highest = Swift.max(highest, reading(at: transition - 1))
            next = self.transition(after: transition)
        }
        return highest
    }

    /// The stretch around `instant` where one offset holds and every reading has exactly one
    /// instance, or nil when a transition happened within `steadyLookback` before `instant`.
    /// Nearly every call is answered from it with two time zone queries in total.
    func steadySpan(around instant: Int) -> SteadySpan? {
        let lookbackStart = instant - Self.steadyLookback
        let end = transition(after: lookbackStart)
        if let end, end <= instant { return nil }
        // The offset holds on [lookbackStart, end). A reading whose instant is at least one day
        // after lookbackStart cannot have an earlier instance: that would need a backward jump
        // of more than a day.
        return SteadySpan(
            offset: offset(at: instant),
            start: lookbackStart + CivilDate.secondsPerDay,
            end: end ?? Int.max
        )
    }
}

/// A stretch of instants `[start, end)` with one UTC offset, where converting a reading is a
/// subtraction.
struct SteadySpan {
    let offset: Int
    let start: Int
    let end: Int

    /// The instant of `reading` if it lies in the span.
    func instant(forReading reading: Int) -> Int? {
        let candidate = reading - offset
        return candidate >= start && candidate < end ? candidate : nil
    }
}
