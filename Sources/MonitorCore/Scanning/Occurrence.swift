import Foundation

/// One expected run of a job: the scheduled instant and its window `[scheduledAt, windowEnd)`.
public struct Occurrence: Sendable, Hashable {
    public var scheduledAt: Date
    public var windowEnd: Date

    public init(scheduledAt: Date, windowEnd: Date) {
        self.scheduledAt = scheduledAt
        self.windowEnd = windowEnd
    }
}

/// Which occurrences of a job a scan must know about (SPEC §4). Pure: the clock is a parameter.
public struct OccurrenceSchedule: Sendable {
    public let schedule: CronSchedule
    public let window: TimeSpan
    public let timeZone: TimeZone

    /// At most this many new occurrences per job and scan: a `* * * * *` job after a month of
    /// downtime must not stall the scan; the oldest ones beyond the cap are skipped (and logged).
    public static let catchUpLimit = 2_000

    public init(job: Job) {
        schedule = job.schedule
        window = job.window
        timeZone = TimeZone(identifier: job.timezone) ?? TimeZone(identifier: "UTC")!
    }

    public func occurrence(at scheduledAt: Date) -> Occurrence {
        Occurrence(scheduledAt: scheduledAt, windowEnd: scheduledAt.addingTimeInterval(TimeInterval(window.seconds)))
    }

    /// Occurrences that have started by `now` and that the ledger does not hold yet: after
    /// `lastKnown` (the newest scheduled instant already in the ledger), and — for a job seen
    /// for the first time — whose window ends after `activeSince` (when it was applied).
    /// Returns them oldest first, and how many older ones the catch-up limit skipped.
    public func newOccurrences(activeSince: Date, lastKnown: Date?, now: Date) -> (occurrences: [Occurrence], skipped: Int) {
        // t + window > activeSince  ⟺  t > activeSince - window.
        let floor = activeSince.addingTimeInterval(-TimeInterval(window.seconds))
        var cursor = max(floor, lastKnown ?? floor)
        var found: [Occurrence] = []
        var skipped = 0
        while let next = schedule.next(after: cursor, in: timeZone), next <= now {
            found.append(occurrence(at: next))
            if found.count > Self.catchUpLimit {
                found.removeFirst(found.count - Self.catchUpLimit)
                skipped += 1
            }
            cursor = next
        }
        return (found, skipped)
    }

    /// The occurrence a status file finished at `finishedAt` belongs to: the latest scheduled
    /// instant at or before it.
    public func attribute(finishedAt: Date) -> Occurrence? {
        schedule.latest(atOrBefore: finishedAt, in: timeZone).map(occurrence(at:))
    }

    /// The next occurrence strictly after `now`.
    public func next(after now: Date) -> Occurrence? {
        schedule.next(after: now, in: timeZone).map(occurrence(at:))
    }
}
