import Foundation
import MonitorCore

extension StateStore {
    /// Every active job as the ledger shows it at `now` (SPEC §8), in a few set queries
    /// rather than a query per job, so a dashboard of 10,000 jobs stays cheap.
    public func jobViews(now: Date, named names: [String] = [], occurrenceLimit: Int? = nil) throws(StoreError) -> [JobView] {
        try jobViewsSnapshot(now: now, named: names, occurrenceLimit: occurrenceLimit).jobs
    }

    /// ``jobViews(now:named:occurrenceLimit:)`` with what a cache of them needs: the state's
    /// ``ChangeStamp`` read in the same transaction, and the first instant after `now` at which
    /// the views change by the clock alone (a `next` occurrence starts, an open window closes).
    public func jobViewsSnapshot(now: Date, named names: [String] = [], occurrenceLimit: Int? = nil) throws(StoreError) -> JobViewsSnapshot {
        try read { db in try Self.jobViewsSnapshot(db, now: now, named: names, occurrenceLimit: occurrenceLimit) }
    }

    /// ``jobViewsSnapshot(now:named:occurrenceLimit:)`` inside a read the caller holds, so that
    /// what it reads next (the report's history) comes from the same state.
    static func jobViewsSnapshot(_ db: any SQLConnection, now: Date, named names: [String], occurrenceLimit: Int?) throws -> JobViewsSnapshot {
        let stamp = try Self.changeStamp(db)
        let jobs = try Self.activeJobs(db, named: names)
        func latest(_ filter: String) throws -> [String: OccurrenceRecord] {
            let rows = try SQLRow.fetchAll(
                db,
                sql: """
                    SELECT o.* FROM occurrence o
                    JOIN (SELECT job, max(scheduled_at) AS m FROM occurrence \(filter) GROUP BY job) x
                      ON o.job = x.job AND o.scheduled_at = x.m
                    """)
            return Dictionary(try rows.map { ($0["job"] as String, try Self.occurrence($0)) }) { a, _ in a }
        }
        let newest = try latest("")
        let decided = try latest("WHERE state NOT IN (\(Self.statuslessVerdictList))")
        var lastSuccess: [String: Date] = [:]
        var lastGood: [String: Date] = [:]
        for row in try SQLRow.fetchAll(
            db,
            sql: """
                SELECT job, max(CASE WHEN state = '\(Verdict.success.rawValue)' THEN finished_at END) AS success, max(finished_at) AS good
                FROM occurrence WHERE state IN (\(Self.goodVerdictList)) GROUP BY job
                """)
        {
            lastSuccess[row["job"]] = try row.optionalTime("success")
            lastGood[row["job"]] = try row.optionalTime("good")
        }
        let versions = Dictionary(
            try SQLRow.fetchAll(
                db,
                sql: """
                    SELECT v.* FROM version v
                    JOIN (SELECT job, max(id) AS m FROM version WHERE deleted_at IS NULL GROUP BY job) x ON v.job = x.job AND v.id = x.m
                    """
            ).map { ($0["job"] as String, try Self.version($0)) }
        ) { a, _ in a }
        var openWindows: [String: Date] = [:]
        for row in try SQLRow.fetchAll(
            db,
            sql: """
                SELECT job, min(window_end) AS closes FROM occurrence WHERE state = '\(Verdict.pending.rawValue)' AND window_end > ? GROUP BY job
                """, arguments: [Timestamp.string(now)])
        {
            openWindows[row["job"]] = try row.time("closes")
        }
        let corrupted = try Self.corruptedVersionCounts(db)
        let silences = try SQLRow.fetchAll(db, sql: "SELECT * FROM silence WHERE ends_at > ?", arguments: [Timestamp.string(now)])
            .map { try Self.storedSilence($0).silence }
        // The jobs of a host whose agent is down show UNKNOWN (a shared state only).
        let agents = try Self.agents(db, where: nil)
        let downHosts = Set(agents.filter(\.isDown).map(\.name))
        let settings = downHosts.isEmpty ? nil : try Self.appliedSettings(db)
        let records = try jobs.map { active in
            let name = active.job.name
            var record = JobRecords(
                active: active, newest: newest[name], latestDecided: decided[name], lastSuccessAt: lastSuccess[name],
                currentVersion: versions[name], openWindowCloses: openWindows[name],
                occurrences: try occurrenceLimit.map { limit in
                    try SQLRow.fetchAll(
                        db, sql: "SELECT * FROM occurrence WHERE job = ? ORDER BY scheduled_at DESC LIMIT ?",
                        arguments: [name, limit]
                    ).map { try Self.occurrence($0) }
                }, lastGoodAt: lastGood[name])
            record.corruptedVersions = corrupted[name] ?? 0
            record.silences = silences.filter { $0.selects(active.job) }
            if let settings, let host = active.destination.effectiveHost(settings: settings) { record.hostDown = downHosts.contains(host) }
            if occurrenceLimit != nil, active.job.detectsAnomalies {
                // One-job views say how far the job is from a history its runs are compared with.
                record.baselineRuns = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM occurrence WHERE job = ? AND state = ? AND bytes IS NOT NULL",
                    arguments: [name, Verdict.success.rawValue])
            }
            return record
        }
        // The decisions (status, next occurrence, how long this holds) are the domain's.
        var (views, validUntil) = JobViews.build(records, now: now)
        // An agent that stops reporting is down after three of its intervals: the views change then.
        for agent in agents where !agent.isDown { validUntil = min(validUntil, max(now, agent.dueBy)) }
        return JobViewsSnapshot(jobs: views, stamp: stamp, validUntil: validUntil)
    }

    /// What changes when the views change other than by the clock: an applied revision, or
    /// a scan (by the daemon or by `monitor scan` in another process) starting or finishing.
    public func changeStamp() throws(StoreError) -> ChangeStamp {
        try read { db in try Self.changeStamp(db) }
    }

    static func changeStamp(_ db: any SQLConnection) throws -> ChangeStamp {
        let row = try SQLRow.fetchOne(
            db,
            sql: """
                SELECT (SELECT max(id) FROM revision) AS revision, s.id AS scan, s.finished_at AS finished,
                  (SELECT count(*) FROM version WHERE corrupted IS NOT NULL AND deleted_at IS NULL) AS corrupted,
                  (SELECT coalesce(max(id), 0) || '/' || coalesce(CAST(max(expired_at) AS TEXT), '') FROM silence) AS silences,
                  (SELECT count(*) || '/' || coalesce(CAST(max(down_since) AS TEXT), '') FROM agent WHERE down_since IS NOT NULL) AS agents
                FROM (SELECT 1 AS one) base LEFT JOIN (SELECT id, finished_at FROM scan ORDER BY id DESC LIMIT 1) s ON true
                """)
        return ChangeStamp(
            revision: row?["revision"], scan: row?["scan"], scanFinished: row.map { !$0.value("finished").isNull } ?? false,
            corruptedVersions: row?["corrupted"] ?? 0,
            silences: row?["silences"] ?? "", agents: row?["agents"] ?? "")
    }

    /// When the last scan finished, for `/healthz` and stale-data notes.
    public func lastScan() throws(StoreError) -> (finishedAt: Date, clock: Date)? {
        try read { db in
            try SQLRow.fetchOne(db, sql: "SELECT finished_at, clock FROM scan WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1").map {
                (try $0.time("finished_at"), try $0.time("clock"))
            }
        }
    }
}

/// Every active job as the ledger shows it, and how long that stays true.
public struct JobViewsSnapshot: Sendable {
    public var jobs: [JobView]
    /// The state these views were read from.
    public var stamp: ChangeStamp
    /// The views hold until this instant unless the state changes (`distantFuture` if never).
    public var validUntil: Date
}

/// Identifies the state's content as far as job views are concerned; see ``StateStore/changeStamp()``.
public struct ChangeStamp: Sendable, Hashable {
    public var revision: Int64?
    public var scan: Int64?
    public var scanFinished: Bool
    /// Kept versions marked CORRUPTED: the scrub (or `monitor verify`) changes the views between scans.
    public var corruptedVersions: Int
    /// The newest silence and the latest expiry: `silence add` and `silence expire` change the views.
    public var silences: String
    /// The agents found down (a shared state): one going down or coming back changes the views.
    public var agents: String

    public init(revision: Int64?, scan: Int64?, scanFinished: Bool, corruptedVersions: Int = 0, silences: String = "", agents: String = "") {
        self.silences = silences
        self.agents = agents
        self.revision = revision
        self.scan = scan
        self.scanFinished = scanFinished
        self.corruptedVersions = corruptedVersions
    }
}
