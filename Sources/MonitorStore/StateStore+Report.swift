import Foundation
import MonitorCore

extension StateStore {
    /// What `monitor report` shows at `now` over the last `days` days (SPEC §10): the latest
    /// revision, verdict counts and every active job. A handful of set queries whatever the
    /// number of jobs, so a report of 10,000 jobs costs about what `/api/jobs` does.
    /// Everything comes from one read, so a scan finishing meanwhile cannot make the page disagree with itself.
    public func report(now: Date, days: Int) throws(StoreError) -> ReportModel {
        let start = Timestamp.string(ReportModel.periodStart(now: now, days: days))
        let end = Timestamp.string(now)
        return try read { db in
            let jobs = try Self.reportJobs(db, now: now, days: days, named: [], stripLength: ReportModel.stripLength)
            let revision = try SQLRow.fetchOne(db, sql: "SELECT * FROM revision ORDER BY id DESC LIMIT 1").map { row in
                AppliedRevision(
                    number: row["id"], configDigest: row["config_digest"], configPath: row["config_path"],
                    gitCommit: row["git_commit"], gitBranch: row["git_branch"], gitDirty: (row["git_dirty"] as Int?) == 1,
                    appliedAt: Timestamp.parse(row["applied_at"]) ?? Date(timeIntervalSince1970: 0), user: row["user"], host: row["host"])
            }
            var counts: [Verdict: Int] = [:]
            for row in try SQLRow.fetchAll(
                db,
                sql: """
                    SELECT o.state, count(*) AS n FROM occurrence o JOIN job j ON j.name = o.job AND j.retired_at IS NULL
                    WHERE o.scheduled_at >= ? AND o.scheduled_at <= ? GROUP BY o.state
                    """, arguments: [start, end])
            {
                if let verdict = Verdict(rawValue: row["state"]) { counts[verdict] = row["n"] }
            }
            return ReportModel(generatedAt: now, days: days, revision: revision, verdictCounts: counts, jobs: jobs)
        }
    }

    /// The active jobs `names` (all when empty) as the report shows them: status from
    /// `jobViews`, the latest `stripLength` occurrences scheduled in the period, and the
    /// versions promoted in the period, those retention deleted since included.
    public func reportJobs(
        now: Date, days: Int, named names: [String] = [],
        stripLength: Int = ReportModel.stripLength
    ) throws(StoreError) -> [ReportJob] {
        try read { db in try Self.reportJobs(db, now: now, days: days, named: names, stripLength: stripLength) }
    }

    static func reportJobs(_ db: any SQLConnection, now: Date, days: Int, named names: [String], stripLength: Int) throws -> [ReportJob] {
        let views = try jobViewsSnapshot(db, now: now, named: names, occurrenceLimit: nil).jobs
        guard !views.isEmpty else { return [] }
        let start = Timestamp.string(ReportModel.periodStart(now: now, days: days))
        let end = Timestamp.string(now)
        // With a few names, filter in SQL; for the whole report, read the period once and let
        // the dictionary lookup below drop retired jobs.
        let filter = names.isEmpty ? "" : " AND job IN (\(names.map { _ in "?" }.joined(separator: ",")))"
        var recent: [String: [OccurrenceRecord]] = [:]
        for row in try SQLRow.fetchAll(
            db,
            sql: """
                SELECT * FROM (
                  SELECT *, row_number() OVER (PARTITION BY job ORDER BY scheduled_at DESC) AS newest
                  FROM occurrence WHERE scheduled_at >= ? AND scheduled_at <= ?\(filter)
                ) ranked WHERE newest <= ? ORDER BY job, scheduled_at
                """, arguments: SQLArguments([start, end]) + SQLArguments(names) + [stripLength])
        {
            recent[row["job"], default: []].append(try Self.occurrence(row))
        }
        var sizes: [String: [VersionSize]] = [:]
        for row in try SQLRow.fetchAll(
            db,
            sql: """
                SELECT version.job, version.id, version.finished_at, version.bytes, version.files, version.deleted_at,
                       version.corrupted, status_file.verdict
                FROM version LEFT JOIN status_file ON status_file.job = version.job AND status_file.sha256 = version.status_sha256
                WHERE version.finished_at >= ? AND version.finished_at <= ?\(names.isEmpty ? "" : " AND version.\(filter.dropFirst(5))")
                ORDER BY version.job, version.finished_at, version.id
                """, arguments: SQLArguments([start, end]) + SQLArguments(names))
        {
            guard let finished = Timestamp.parse(row["finished_at"]) else { continue }
            sizes[row["job"], default: []].append(
                VersionSize(
                    versionID: row["id"], finishedAt: finished, bytes: row["bytes"], files: row["files"],
                    deleted: (row["deleted_at"] as String?) != nil, corrupted: row["corrupted"],
                    suspicious: (row["verdict"] as String?) == Verdict.suspicious.rawValue))
        }
        return views.map { ReportJob(view: $0, recent: recent[$0.name] ?? [], sizes: sizes[$0.name] ?? []) }
    }
}
