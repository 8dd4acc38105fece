import Foundation

/// A recurring period during which a job is not expected to report (SPEC §16 `maintenance:`):
/// it starts at each instant of `schedule` (read in `timezone`) and lasts `duration`.
///
/// Declared on a job, or at the top level with `match:`; a top-level one is copied into every
/// job it selects when the configuration is read, so a job's spec holds all of its windows.
public struct MaintenanceWindow: Sendable, Hashable, Codable {
    public var schedule: CronSchedule
    public var duration: TimeSpan
    /// IANA timezone the schedule is read in: as written, else the job's.
    public var timezone: String

    public init(schedule: CronSchedule, duration: TimeSpan, timezone: String) {
        self.schedule = schedule
        self.duration = duration
        self.timezone = timezone
    }

    /// The period of this window that contains `instant`, if any: the latest start at or before
    /// it (all periods last as long, so the latest start reaches furthest).
    func period(containing instant: Date) -> (start: Date, end: Date)? {
        let zone = TimeZone(identifier: timezone) ?? TimeZone(identifier: "UTC")!
        guard let start = schedule.latest(atOrBefore: instant, in: zone) else { return nil }
        let end = start.addingTimeInterval(TimeInterval(duration.seconds))
        return end > instant ? (start, end) : nil
    }
}

extension Array where Element == MaintenanceWindow {
    /// Whether `[start, end)` lies wholly inside maintenance: every instant of it inside some
    /// period of these windows (periods that overlap or touch join).
    public func cover(from start: Date, to end: Date) -> Bool {
        guard !isEmpty else { return false }
        var reached = start
        // Each step moves to the end of a period, so a few dozen steps cross any real window;
        // the bound only guards against a pathological schedule.
        for _ in 0..<1_000 {
            guard let furthest = compactMap({ $0.period(containing: reached)?.end }).max() else { return false }
            if furthest >= end { return true }
            reached = furthest
        }
        return false
    }

    /// Whether the occurrence's whole window `[scheduledAt, windowEnd)` is under maintenance.
    public func cover(_ occurrence: Occurrence) -> Bool {
        cover(from: occurrence.scheduledAt, to: occurrence.windowEnd)
    }
}

extension VerdictRules {
    /// SKIPPED instead of MISSING for an occurrence whose window lies inside the job's
    /// maintenance (SPEC §16): `decided` is the row ``withoutEvidence(_:now:missingMessage:unreadable:)``
    /// made of `before`. Only a MISSING decided now is replaced: a status file that arrives is
    /// judged as usual, and a source that could not be read stays FAILED.
    public static func skippingMaintenance(_ decided: OccurrenceRecord, before: OccurrenceRecord, maintenance: [MaintenanceWindow]?)
        -> OccurrenceRecord
    {
        guard let maintenance, decided.state == .missing, before.state == .pending, maintenance.cover(decided.occurrence) else {
            return decided
        }
        var skipped = decided
        skipped.state = .skipped
        skipped.message = "the window lay inside a maintenance period: not expected, not alerted"
        return skipped
    }
}
