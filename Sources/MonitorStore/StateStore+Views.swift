import Foundation
import GRDB
import MonitorCore

extension StateStore {
    /// Every active job as the ledger shows it at `now` (SPEC §8), in a few set queries
    /// rather than a query per job, so a dashboard of 10,000 jobs stays cheap.
    public func jobViews(now: Date, named names: [String] = [], occurrenceLimit: Int? = nil) throws(StoreError) -> [JobView] {
        let jobs = try activeJobs(named: names)
        return try read { db in
            func latest(_ filter: String) throws -> [String: OccurrenceRecord] {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT o.* FROM occurrence o
                    JOIN (SELECT job, max(scheduled_at) AS m FROM occurrence \(filter) GROUP BY job) x
                      ON o.job = x.job AND o.scheduled_at = x.m
                    """)
                return Dictionary(rows.map { ($0["job"] as String, Self.occurrence($0)) }) { a, _ in a }
            }
            let newest = try latest("")
            let decided = try latest("WHERE state != 'PENDING'")
            let lastSuccess = Dictionary(try Row.fetchAll(db, sql: """
                SELECT job, max(finished_at) AS at FROM occurrence WHERE state = 'SUCCESS' GROUP BY job
                """).map { ($0["job"] as String, Timestamp.parse($0["at"] as String? ?? "")) }) { a, _ in a }
            let versions = Dictionary(try Row.fetchAll(db, sql: """
                SELECT v.* FROM version v
                JOIN (SELECT job, max(id) AS m FROM version WHERE deleted_at IS NULL GROUP BY job) x ON v.job = x.job AND v.id = x.m
                """).map { ($0["job"] as String, Self.version($0)) }) { a, _ in a }
            let openWindows = Set(try String.fetchAll(db, sql: """
                SELECT DISTINCT job FROM occurrence WHERE state = 'PENDING' AND window_end > ?
                """, arguments: [Timestamp.string(now)]))
            return try jobs.map { active in
                let name = active.job.name
                let version = versions[name].map { VersionView(id: $0.id, files: $0.files, bytes: $0.bytes, promotedAt: $0.promotedAt) }
                var occurrences: [OccurrenceView]?
                if let occurrenceLimit {
                    occurrences = try Row.fetchAll(db, sql: "SELECT * FROM occurrence WHERE job = ? ORDER BY scheduled_at DESC LIMIT ?",
                                                   arguments: [name, occurrenceLimit]).map { OccurrenceView(Self.occurrence($0)) }
                }
                return JobView(
                    job: active.job,
                    status: VerdictRules.jobStatus(latestDecided: decided[name]?.state, hasOpenWindow: openWindows.contains(name)),
                    lastSuccessAt: lastSuccess[name] ?? nil,
                    currentVersion: version,
                    latest: newest[name].map(OccurrenceView.init),
                    next: OccurrenceSchedule(job: active.job).next(after: now).map(NextOccurrenceView.init),
                    occurrences: occurrences)
            }
        }
    }

    /// When the last scan finished, for `/healthz` and stale-data notes.
    public func lastScan() throws(StoreError) -> (finishedAt: Date, clock: Date)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT finished_at, clock FROM scan WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1").map {
                (Timestamp.parse($0["finished_at"])!, Timestamp.parse($0["clock"])!)
            }
        }
    }
}
