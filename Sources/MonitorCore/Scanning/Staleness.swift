import Foundation

/// STALE (SPEC §15): no good run (SUCCESS or SUSPICIOUS) finished within the job's `max_age`.
/// Pure: the newest good run's `finished_at`, when the job became active, and the clock.
public enum Staleness {
    /// The instant the job is (or would become) STALE: `max_age` after its newest good run
    /// finished, or after it became active when it has none.
    public static func staleSince(lastGood: Date?, activeSince: Date, maxAge: TimeSpan) -> Date {
        (lastGood ?? activeSince).addingTimeInterval(TimeInterval(maxAge.seconds))
    }

    /// Whether the job is STALE at `now`; never without `max_age`.
    public static func isStale(lastGood: Date?, activeSince: Date, maxAge: TimeSpan?, now: Date) -> Bool {
        guard let maxAge else { return false }
        return now >= staleSince(lastGood: lastGood, activeSince: activeSince, maxAge: maxAge)
    }

    /// What one scan changed about the job's STALE condition, for the alert policy.
    public enum Change: Sendable, Hashable {
        /// Stale or not, as before (or told already).
        case unchanged(stale: Bool)
        /// A stale period that no route was told of yet: one STALE event, keyed by `since`.
        case began(since: Date, message: String)
        /// A good run ended a stale period that routes were told of: RESOLVED.
        case ended

        public var isStale: Bool {
            switch self {
            case .unchanged(let stale): stale
            case .began: true
            case .ended: false
            }
        }
    }

    /// - Parameters:
    ///   - lastGoodBefore / lastGoodAfter: the newest good run's `finished_at` before and after this scan.
    ///   - alertedAt: when a STALE event was last recorded for the job (its outbox time), if ever.
    public static func change(
        job: ActiveJob, lastGoodBefore: Date?, lastGoodAfter: Date?, alertedAt: Date?, now: Date
    ) -> Change {
        guard let maxAge = job.job.maxAge else { return .unchanged(stale: false) }
        let since = staleSince(lastGood: lastGoodAfter, activeSince: job.activeSince, maxAge: maxAge)
        if now >= since {
            if let alertedAt, alertedAt >= since { return .unchanged(stale: true) }
            let last = lastGoodAfter.map { "the newest good backup finished at \(Timestamp.string($0))" } ?? "no good backup since the job was added"
            return .began(since: since, message: "\(last), more than max_age \(maxAge) ago")
        }
        let sinceBefore = staleSince(lastGood: lastGoodBefore, activeSince: job.activeSince, maxAge: maxAge)
        if lastGoodAfter != lastGoodBefore, let alertedAt, alertedAt >= sinceBefore { return .ended }
        return .unchanged(stale: false)
    }
}
