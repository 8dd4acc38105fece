import Foundation
import MonitorCore

extension StateStore {
    /// ``ledgers(for:)`` in one query per kind for the whole batch (PostgreSQL: arrays and
    /// LATERAL joins), the same answers as the per-job queries SQLite runs locally.
    static func batchedLedgers(_ db: any SQLConnection, _ jobs: [LedgerRequest]) throws -> [JobLedger] {
        guard !jobs.isEmpty else { return [] }
        let names = textArray(jobs.map(\.job))
        var last: [String: Date] = [:]
        for row in try SQLRow.fetchAll(
            db, sql: "SELECT job, max(scheduled_at) AS m FROM occurrence WHERE job = ANY(?::text[]) GROUP BY job", arguments: [names])
        {
            last[row["job"]] = try row.optionalTime("m")
        }
        var pending: [String: [OccurrenceRecord]] = [:]
        for row in try SQLRow.fetchAll(
            db, sql: "SELECT * FROM occurrence WHERE job = ANY(?::text[]) AND state = 'PENDING' ORDER BY job, scheduled_at",
            arguments: [names])
        {
            pending[row["job"], default: []].append(try occurrence(row))
        }
        let hashes = jobs.compactMap(\.statusSHA256)
        var known: Set<String> = []
        if !hashes.isEmpty {
            for row in try SQLRow.fetchAll(
                db, sql: "SELECT job, sha256 FROM status_file WHERE job = ANY(?::text[]) AND sha256 = ANY(?::text[])",
                arguments: [names, textArray(hashes)])
            {
                known.insert((row["job"] as String) + "/" + (row["sha256"] as String))
            }
        }
        var decided: [String: OccurrenceRecord] = [:]
        for row in try SQLRow.fetchAll(
            db,
            sql: """
                SELECT o.* FROM unnest(?::text[]) AS j(name) CROSS JOIN LATERAL (
                  SELECT * FROM occurrence WHERE job = j.name AND state NOT IN (\(statuslessVerdictList)) ORDER BY scheduled_at DESC LIMIT 1
                ) o
                """, arguments: [names])
        {
            decided[row["job"]] = try occurrence(row)
        }
        var lastAlert: [String: [String: Date]] = [:]
        var silenced: [String: Set<String>] = [:]
        for row in try SQLRow.fetchAll(
            db,
            sql: """
                SELECT DISTINCT ON (job, route) job, route, created_at, silenced FROM outbox
                WHERE job = ANY(?::text[]) AND event IN (\(problemEventList)) ORDER BY job, route, created_at DESC, id DESC
                """, arguments: [names])
        {
            let (job, route): (String, String) = (row["job"], row["route"])
            lastAlert[job, default: [:]][route] = try row.time("created_at")
            if (row["silenced"] as Int) == 1 { silenced[job, default: []].insert(route) }
        }
        var good: [String: Date] = [:]
        var stale: [String: Date] = [:]
        let aging = textArray(jobs.filter(\.watchesAge).map(\.job))
        if jobs.contains(where: \.watchesAge) {
            for row in try SQLRow.fetchAll(
                db,
                sql: "SELECT job, max(finished_at) AS m FROM occurrence WHERE job = ANY(?::text[]) AND state IN (\(goodVerdictList)) GROUP BY job",
                arguments: [aging])
            {
                good[row["job"]] = try row.optionalTime("m")
            }
            for row in try SQLRow.fetchAll(
                db,
                sql: "SELECT job, max(created_at) AS m FROM outbox WHERE job = ANY(?::text[]) AND event = '\(Problem.stale.rawValue)' GROUP BY job",
                arguments: [aging])
            {
                stale[row["job"]] = try row.optionalTime("m")
            }
        }
        let baseline = db.cachedStatement(sql: baselineSQL)
        return try jobs.map { request in
            let job = request.job
            let isKnown = request.statusSHA256.map { known.contains(job + "/" + $0) } ?? false
            return JobLedger(
                lastKnown: last[job],
                pending: pending[job] ?? [],
                statusKnown: isKnown,
                latestDecided: decided[job],
                lastProblemAlert: lastAlert[job] ?? [:],
                silencedProblemRoutes: silenced[job] ?? [],
                // Only for a new status file of a job that judges its history: rare in a steady scan.
                baseline: request.judgesHistory && request.statusSHA256 != nil && !isKnown
                    ? try SQLRow.fetchAll(baseline, arguments: [job]).map(figures) : [],
                lastGood: request.watchesAge ? good[job] : nil,
                staleAlertedAt: request.watchesAge ? stale[job] : nil)
        }
    }

    /// A PostgreSQL array literal of texts, for `?::text[]`.
    static func textArray(_ values: [String]) -> String {
        "{"
            + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
