import Foundation

/// What the ledger holds about one job that its view needs: plain records, as the store reads
/// them. ``JobViews/build(_:now:)`` turns them into what the API, `status` and the report show.
public struct JobRecords: Sendable {
    public var active: ActiveJob
    /// The newest occurrence, whatever its state.
    public var newest: OccurrenceRecord?
    /// The newest occurrence that is not PENDING.
    public var latestDecided: OccurrenceRecord?
    public var lastSuccessAt: Date?
    /// `finished_at` of the newest good run (SUCCESS or SUSPICIOUS), for STALE.
    public var lastGoodAt: Date?
    /// SUCCESS runs with figures, when asked for (one-job views of jobs with `anomaly` on).
    public var baselineRuns: Int?
    /// The newest version not deleted by retention.
    public var currentVersion: VersionRecord?
    /// The earliest end of a window still open at the time the records were read for.
    public var openWindowCloses: Date?
    /// The latest occurrences, newest first, when asked for (one-job views).
    public var occurrences: [OccurrenceRecord]?
    /// Kept versions the scrub found changed on disk (SPEC §15).
    public var corruptedVersions = 0
    /// The state's silences that select the job and have not ended (those from YAML are in its spec).
    public var silences: [Silence] = []
    /// The agent of the job's host is down (SPEC §12): the job shows UNKNOWN.
    public var hostDown = false

    public init(
        active: ActiveJob, newest: OccurrenceRecord?, latestDecided: OccurrenceRecord?, lastSuccessAt: Date?,
        currentVersion: VersionRecord?, openWindowCloses: Date?, occurrences: [OccurrenceRecord]?, lastGoodAt: Date? = nil
    ) {
        self.lastGoodAt = lastGoodAt
        self.active = active
        self.newest = newest
        self.latestDecided = latestDecided
        self.lastSuccessAt = lastSuccessAt
        self.currentVersion = currentVersion
        self.openWindowCloses = openWindowCloses
        self.occurrences = occurrences
    }
}

/// Job views from ledger records (SPEC §8), and how long they hold by the clock alone.
public enum JobViews {
    /// The views at `now`, and the first instant after it at which they change without any
    /// write to the state: a `next` occurrence starts, an open window closes, or a job turns STALE.
    public static func build(_ records: [JobRecords], now: Date) -> (views: [JobView], validUntil: Date) {
        var validUntil = Date.distantFuture
        let views = records.map { record in
            if let closes = record.openWindowCloses { validUntil = min(validUntil, closes) }
            let next = OccurrenceSchedule(job: record.active.job).next(after: now)
            if let next { validUntil = min(validUntil, next.scheduledAt) }
            var stale = false
            if let maxAge = record.active.job.maxAge {
                let since = Staleness.staleSince(lastGood: record.lastGoodAt, activeSince: record.active.activeSince, maxAge: maxAge)
                if now >= since { stale = true } else { validUntil = min(validUntil, since) }
            }
            // A silence that starts or ends changes the view by the clock alone.
            let silences = ((record.active.job.silences ?? []) + record.silences).filter { $0.selects(record.active.job) }
            for silence in silences {
                if silence.holds(at: now) {
                    validUntil = min(validUntil, silence.until)
                } else if silence.isUpcoming(at: now), let from = silence.from {
                    validUntil = min(validUntil, from)
                }
            }
            return JobView(
                job: record.active.job,
                status: record.hostDown
                    ? .unknown
                    : VerdictRules.jobStatus(
                        latestDecided: record.latestDecided?.state, hasOpenWindow: record.openWindowCloses != nil, stale: stale),
                lastSuccessAt: record.lastSuccessAt,
                currentVersion: record.currentVersion.map {
                    VersionView(id: $0.id, files: $0.files, bytes: $0.bytes, promotedAt: $0.promotedAt, corrupted: $0.corrupted != nil)
                },
                corruptedVersions: record.corruptedVersions,
                baselineRuns: record.baselineRuns,
                latest: record.newest.map(OccurrenceView.init),
                next: next.map(NextOccurrenceView.init),
                occurrences: record.occurrences?.map(OccurrenceView.init),
                silencedUntil: silences.filter { $0.holds(at: now) }.map(\.until).max())
        }
        return (views, validUntil)
    }
}
