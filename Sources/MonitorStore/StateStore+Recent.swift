import Foundation
import MonitorCore

extension StateStore {
    /// What `/api/jobs` lists at `now`: the job views (``jobViewsSnapshot(now:named:occurrenceLimit:)``)
    /// and each job's latest `recentLength` occurrences, read in one transaction so that the
    /// strips and the statuses agree.
    public func jobListSnapshot(now: Date, recentLength: Int = JobViews.recentLength) throws(StoreError) -> JobListSnapshot {
        try read { db in
            let snapshot = try Self.jobViewsSnapshot(db, now: now, named: [], occurrenceLimit: nil)
            let rows = try Self.recentOccurrences(db, jobs: snapshot.jobs.map(\.name), now: now, limit: recentLength)
            let entries = snapshot.jobs.map { view in
                JobListEntry(view: view, recent: JobViews.recent(rows[view.name] ?? [], now: now, length: recentLength))
            }
            return JobListSnapshot(entries: entries, stamp: snapshot.stamp, validUntil: snapshot.validUntil)
        }
    }

    /// The latest `limit` occurrences of each of `jobs` scheduled at or before `now`, newest first.
    public func recentOccurrences(jobs: [String], now: Date, limit: Int = JobViews.recentLength) throws(StoreError) -> [String: [RecentOccurrence]] {
        try read { db in try Self.recentOccurrences(db, jobs: jobs, now: now, limit: limit) }
    }

    /// One indexed lookup per job (the ledger's `UNIQUE (job, scheduled_at)` index, read
    /// backwards from `now`), so the cost grows with jobs × `limit`, never with the ledger's length.
    static func recentOccurrences(_ db: any SQLConnection, jobs: [String], now: Date, limit: Int) throws -> [String: [RecentOccurrence]] {
        guard limit > 0 else { return [:] }
        let statement = db.cachedStatement(
            sql: "SELECT scheduled_at, state FROM occurrence WHERE job = ? AND scheduled_at <= ? ORDER BY scheduled_at DESC LIMIT ?")
        let until = Timestamp.string(now)
        var recent: [String: [RecentOccurrence]] = [:]
        recent.reserveCapacity(jobs.count)
        for job in jobs {
            var cells: [RecentOccurrence] = []
            cells.reserveCapacity(limit)
            for row in try SQLRow.fetchAll(statement, arguments: [job, until, limit]) {
                cells.append(RecentOccurrence(scheduledAt: try row.time("scheduled_at"), state: try row.verdict("state")))
            }
            recent[job] = cells
        }
        return recent
    }
}

/// Every active job as `/api/jobs` lists it, and how long that stays true (see ``JobViewsSnapshot``).
public struct JobListSnapshot: Sendable {
    public var entries: [JobListEntry]
    public var stamp: ChangeStamp
    public var validUntil: Date
}
