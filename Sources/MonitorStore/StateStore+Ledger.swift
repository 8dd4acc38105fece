import Foundation
import MonitorCore

extension StateStore {
    /// Jobs that are expected now (not retired), with their destinations.
    public func activeJobs(named names: [String] = []) throws(StoreError) -> [ActiveJob] {
        try read { db in try Self.activeJobs(db, named: names) }
    }

    static func activeJobs(_ db: any SQLConnection, named names: [String]) throws -> [ActiveJob] {
        let decoder = JSONDecoder()
        var sql = """
            SELECT job.spec AS job, destination.spec AS destination, job.active_since
            FROM job JOIN destination ON destination.name = job.destination
            WHERE job.retired_at IS NULL
            """
        if !names.isEmpty { sql += " AND job.name IN (\(names.map { _ in "?" }.joined(separator: ",")))" }
        var destinations: [String: Destination] = [:]  // A few destinations serve thousands of jobs: decode each once.
        return try SQLRow.fetchAll(db, sql: sql + " ORDER BY job.name", arguments: SQLArguments(names)).map { row in
            let destinationJSON: String = row["destination"]
            let destination = try destinations[destinationJSON] ?? decoder.decode(Destination.self, from: Data(destinationJSON.utf8))
            destinations[destinationJSON] = destination
            return ActiveJob(
                job: try decoder.decode(Job.self, from: Data((row["job"] as String).utf8)),
                destination: destination,
                activeSince: try row.time("active_since"))
        }
    }

    /// What the ledger holds for the jobs a scan is about to decide, in the order asked, read in
    /// ONE transaction with prepared statements: a scan of 10,000 jobs must not pay for 10,000
    /// transactions and 50,000 statement compilations.
    public func ledgers(for jobs: [(job: String, statusSHA256: String?)]) throws(StoreError) -> [JobLedger] {
        try ledgers(for: jobs.map { LedgerRequest(job: $0.job, statusSHA256: $0.statusSHA256) })
    }

    /// What a scan asks of one job's ledger: its status file's hash, and which history its
    /// decision can use, so that a steady scan reads no more than it needs.
    public struct LedgerRequest: Sendable {
        public var job: String
        public var statusSHA256: String?
        /// The job compares a new run with its history (`anomaly`): read the baseline when the status file is new.
        public var judgesHistory: Bool
        /// The job has a `max_age`: read its newest good run and its last STALE event.
        public var watchesAge: Bool

        public init(job: String, statusSHA256: String?, judgesHistory: Bool = true, watchesAge: Bool = true) {
            self.job = job
            self.statusSHA256 = statusSHA256
            self.judgesHistory = judgesHistory
            self.watchesAge = watchesAge
        }
    }

    public func ledgers(for jobs: [LedgerRequest]) throws(StoreError) -> [JobLedger] {
        try read { db in
            // Over a network, a query per job and kind would cost a round trip each: PostgreSQL
            // answers each kind for the whole batch at once.
            if db.dialect == .postgres { return try Self.batchedLedgers(db, jobs) }
            let last = db.cachedStatement(sql: "SELECT max(scheduled_at) FROM occurrence WHERE job = ?")
            let pending = db.cachedStatement(sql: "SELECT * FROM occurrence WHERE job = ? AND state = 'PENDING' ORDER BY scheduled_at")
            let known = db.cachedStatement(sql: "SELECT 1 FROM status_file WHERE job = ? AND sha256 = ?")
            let decided = db.cachedStatement(
                sql: """
                    SELECT * FROM occurrence WHERE job = ? AND state NOT IN (\(Self.statuslessVerdictList)) ORDER BY scheduled_at DESC LIMIT 1
                    """)
            let alerts = db.cachedStatement(
                sql: """
                    SELECT route, created_at AS at, silenced FROM (
                      SELECT route, created_at, silenced, row_number() OVER (PARTITION BY route ORDER BY created_at DESC, id DESC) AS newest
                      FROM outbox WHERE job = ? AND event IN (\(Self.problemEventList))
                    ) ranked WHERE newest = 1
                    """)
            let baseline = db.cachedStatement(sql: Self.baselineSQL)
            let good = db.cachedStatement(
                sql: "SELECT max(finished_at) FROM occurrence WHERE job = ? AND state IN (\(Self.goodVerdictList))")
            let stale = db.cachedStatement(sql: "SELECT max(created_at) FROM outbox WHERE job = ? AND event = '\(Problem.stale.rawValue)'")
            return try jobs.map { request in
                let (job, statusSHA256) = (request.job, request.statusSHA256)
                var isKnown = false
                if let statusSHA256 {
                    isKnown = try Bool.fetchOne(known, arguments: [job, statusSHA256]) ?? false
                }
                var lastAlert: [String: Date] = [:]
                var silencedRoutes: Set<String> = []
                for row in try SQLRow.fetchAll(alerts, arguments: [job]) {
                    lastAlert[row["route"]] = row["at"]
                    // Was that latest problem alert silenced?
                    if (row["silenced"] as Int) == 1 { silencedRoutes.insert(row["route"]) }
                }
                return JobLedger(
                    lastKnown: try Date.fetchOne(last, arguments: [job]),
                    pending: try SQLRow.fetchAll(pending, arguments: [job]).map { try Self.occurrence($0) },
                    statusKnown: isKnown,
                    latestDecided: try SQLRow.fetchOne(decided, arguments: [job]).map { try Self.occurrence($0) },
                    lastProblemAlert: lastAlert,
                    silencedProblemRoutes: silencedRoutes,
                    baseline: request.judgesHistory && statusSHA256 != nil && !isKnown
                        ? try SQLRow.fetchAll(baseline, arguments: [job]).map(Self.figures) : [],
                    lastGood: request.watchesAge ? try Date.fetchOne(good, arguments: [job]) : nil,
                    staleAlertedAt: request.watchesAge ? try Date.fetchOne(stale, arguments: [job]) : nil)
            }
        }
    }

    /// A job's latest SUCCESS runs with figures, newest first: the history a new run is judged against.
    static let baselineSQL = """
        SELECT bytes, files, duration_seconds FROM occurrence
        WHERE job = ? AND state = 'SUCCESS' AND (bytes IS NOT NULL OR files IS NOT NULL OR duration_seconds IS NOT NULL)
        ORDER BY finished_at DESC LIMIT \(Suspicion.historyLength)
        """

    /// Which of `keys` — status-file hashes, or the keys of a source's runs (SPEC §13) — the
    /// job's ledger has recorded: a source lists everything it holds, and records only the rest.
    public func recordedRuns(job: String, among keys: [String]) throws(StoreError) -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try read { db in
            var recorded: Set<String> = []
            // In chunks, under SQLite's limit on bound parameters, for a repository of thousands of snapshots.
            var start = keys.startIndex
            while start < keys.endIndex {
                let chunk = keys[start..<min(start + 500, keys.endIndex)]
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let arguments = SQLArguments([job] + Array(chunk))
                recorded.formUnion(
                    try String.fetchAll(db, sql: "SELECT sha256 FROM status_file WHERE job = ? AND sha256 IN (\(marks))", arguments: arguments))
                start = chunk.endIndex
            }
            return recorded
        }
    }

    /// The ledger row of one occurrence, if the ledger has it.
    public func occurrence(job: String, scheduledAt: Date) throws(StoreError) -> OccurrenceRecord? {
        try read { db in
            try SQLRow.fetchOne(
                db, sql: "SELECT * FROM occurrence WHERE job = ? AND scheduled_at = ?",
                arguments: [job, Timestamp.string(scheduledAt)]
            ).map { try Self.occurrence($0) }
        }
    }

    static func occurrence(_ row: SQLRow) throws -> OccurrenceRecord {
        OccurrenceRecord(
            occurrence: Occurrence(scheduledAt: try row.time("scheduled_at"), windowEnd: try row.time("window_end")),
            state: try row.verdict("state"),
            late: (row["late"] as Int) == 1,
            finishedAt: try row.optionalTime("finished_at"),
            message: row["message"],
            versionID: row["version_id"],
            figures: row.hasColumn("bytes") ? figures(row).nilIfEmpty : nil,
            silenced: row.hasColumn("silenced") ? (row["silenced"] as Int) == 1 : false)
    }

    static func figures(_ row: SQLRow) -> RunFigures {
        RunFigures(bytes: row["bytes"], files: row["files"], duration: row["duration_seconds"])
    }

    /// Writes one job's scan results in one transaction.
    public func record(_ update: JobLedgerUpdate, at now: Date) throws(StoreError) {
        guard !update.isEmpty else { return }
        let decidedAt = Timestamp.string(now)
        try write { db in
            for record in update.occurrences {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO occurrence (job, scheduled_at, window_end, state, late, finished_at, message, version_id, decided_at,
                                                bytes, files, duration_seconds)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(job, scheduled_at) DO UPDATE SET state = excluded.state, late = excluded.late,
                          finished_at = excluded.finished_at, message = excluded.message, version_id = excluded.version_id,
                          decided_at = excluded.decided_at, bytes = excluded.bytes, files = excluded.files,
                          duration_seconds = excluded.duration_seconds
                        """
                ).execute(arguments: [
                    update.job, Timestamp.string(record.occurrence.scheduledAt), Timestamp.string(record.occurrence.windowEnd),
                    record.state.rawValue, record.late ? 1 : 0, record.finishedAt.map(Timestamp.string), record.message,
                    record.versionID, record.state == .pending ? nil : decidedAt,
                    record.figures?.bytes, record.figures?.files, record.figures?.duration,
                ])
            }
            for file in update.statusFiles {
                let occurrenceID = try file.scheduledAt.flatMap { scheduledAt in
                    try Int64.fetchOne(
                        db, sql: "SELECT id FROM occurrence WHERE job = ? AND scheduled_at = ?",
                        arguments: [update.job, Timestamp.string(scheduledAt)])
                }
                try db.execute(
                    sql: """
                        INSERT INTO status_file (job, sha256, occurrence_id, status, finished_at, received_at, verdict, message)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """,
                    arguments: [
                        update.job, file.sha256, occurrenceID, file.status?.rawValue, file.finishedAt.map(Timestamp.string),
                        Timestamp.string(file.receivedAt), file.verdict.rawValue, file.message,
                    ])
            }
            for version in update.versions {
                try db.execute(
                    sql: """
                        INSERT INTO version (job, id, path, finished_at, promoted_at, files, bytes, status_sha256)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(job, id) DO UPDATE SET deleted_at = NULL
                        """,
                    arguments: [
                        update.job, version.id, version.path, Timestamp.string(version.finishedAt),
                        Timestamp.string(version.promotedAt), version.files, version.bytes, version.statusSHA256,
                    ])
                try Self.insertVersionFiles(db, job: update.job, versionID: version.id, files: version.contents)
            }
            for item in update.notifications {
                try Self.insert(item, job: update.job, at: now, db)
                if item.silenced { try Self.markSilenced(item.alert.occurrences, job: update.job, db) }
            }
            for id in update.deletedVersions {
                try db.execute(
                    sql: "UPDATE version SET deleted_at = ? WHERE job = ? AND id = ? AND deleted_at IS NULL",
                    arguments: [decidedAt, update.job, id])
            }
        }
    }

    /// Records the start of a scan; returns its id for `finishScan`.
    public func startScan(at started: Date, clock: Date) throws(StoreError) -> Int64 {
        try write { db in
            try db.insert(sql: "INSERT INTO scan (started_at, clock) VALUES (?, ?)", arguments: [started, clock])
        }
    }

    public func finishScan(_ id: Int64, at finished: Date, summary: some Encodable) throws(StoreError) {
        let json = (try? String(decoding: JSONEncoder.canonical.encode(summary), as: UTF8.self)) ?? "{}"
        try write { db in
            try db.execute(sql: "UPDATE scan SET finished_at = ?, summary = ? WHERE id = ?", arguments: [Timestamp.string(finished), json, id])
        }
    }
}

extension StateStore {
    static func version(_ row: SQLRow) throws -> VersionRecord {
        VersionRecord(
            id: row["id"], path: row["path"], finishedAt: try row.time("finished_at"),
            promotedAt: try row.time("promoted_at"), files: row["files"], bytes: row["bytes"],
            statusSHA256: row["status_sha256"],
            checkedAt: row.hasColumn("checked_at") ? try row.optionalTime("checked_at") : nil,
            corrupted: row.hasColumn("corrupted") ? row["corrupted"] : nil)
    }

    /// The newest version on disk (by the ledger) whose status file got `verdict`, if any.
    public func newestVersion(job: String, verdict: Verdict) throws(StoreError) -> String? {
        try read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT version.id FROM version JOIN status_file ON status_file.job = version.job AND status_file.sha256 = version.status_sha256
                    WHERE version.job = ? AND version.deleted_at IS NULL AND status_file.verdict = ?
                    ORDER BY version.id DESC LIMIT 1
                    """,
                arguments: [job, verdict.rawValue])
        }
    }

    /// The verdicts of runs that brought a usable backup, as an SQL list, derived from the vocabulary.
    static let goodVerdictList = Verdict.allCases.filter(\.isGood).map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// The events a reminder's interval counts from, as an SQL list, derived from the vocabulary.
    static let problemEventList = NotificationEvent.allCases.filter(\.isAboutAProblem).map { "'\($0.rawValue)'" }.joined(separator: ", ")
}
