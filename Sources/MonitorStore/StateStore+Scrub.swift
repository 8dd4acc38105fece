import Foundation
import MonitorCore

/// A kept version the scrub is to read again, with the job it belongs to.
public struct ScrubTarget: Sendable, Hashable {
    public var job: String
    public var version: VersionRecord

    public init(job: String, version: VersionRecord) {
        self.job = job
        self.version = version
    }
}

/// One recorded file of a version, and whether the current round of checks has done it.
public struct RecordedFile: Sendable, Hashable {
    public var file: VersionFile
    public var checkedInRound: Bool

    public init(file: VersionFile, checkedInRound: Bool) {
        self.file = file
        self.checkedInRound = checkedInRound
    }
}

/// What the scrub learnt about one version since it last wrote, written in one transaction:
/// the files it checked, the corruption it found and the notifications that go with it.
public struct ScrubProgress: Sendable {
    public var job: String
    public var versionID: String
    /// Files read again in this round (found as recorded or not: either way they are done).
    public var checked: [String] = []
    /// Hashes computed for files that had none recorded (`verify: none`): the reference from now on.
    public var baselines: [String: String] = [:]
    /// What differs, when something does. A version keeps the first reason it was marked with.
    public var corruption: String?
    /// The reason this same check wrote before, which `corruption` (naming more files) replaces.
    public var replacing: String?
    /// The CORRUPTED notifications (``AlertPolicy/corruption(of:now:)``); the outbox's keys make
    /// a version found CORRUPTED again alert nobody twice.
    public var notifications: [OutboxItem] = []
    /// Every file of the version was checked: the round ends (`checked_at` is set, marks cleared).
    public var complete = false

    public init(job: String, versionID: String) {
        self.job = job
        self.versionID = versionID
    }

    public var isEmpty: Bool { checked.isEmpty && corruption == nil && notifications.isEmpty && !complete }
}

extension StateStore {
    /// Kept versions (not deleted) of active jobs, the least recently checked first (never
    /// checked first of all); only those last checked at or before `dueBefore` when it is given.
    public func scrubTargets(dueBefore: Date?, jobs names: [String] = []) throws(StoreError) -> [ScrubTarget] {
        var sql = """
            SELECT v.* FROM version v JOIN job j ON j.name = v.job AND j.retired_at IS NULL
            WHERE v.deleted_at IS NULL
            """
        var arguments = SQLArguments()
        if let dueBefore {
            sql += " AND (v.checked_at IS NULL OR v.checked_at <= ?)"
            arguments += [Timestamp.string(dueBefore)]
        }
        if !names.isEmpty {
            sql += " AND v.job IN (\(names.map { _ in "?" }.joined(separator: ",")))"
            arguments += SQLArguments(names)
        }
        sql += " ORDER BY v.checked_at IS NOT NULL, v.checked_at, v.promoted_at, v.job, v.id"
        return try read { db in
            try SQLRow.fetchAll(db, sql: sql, arguments: arguments).map { ScrubTarget(job: $0["job"], version: try Self.version($0)) }
        }
    }

    /// How many kept versions of active jobs were last checked (or, never checked, promoted)
    /// before `before`: more than zero means the scrub's budget does not keep up with `every`.
    public func overdueVersions(before: Date) throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM version v JOIN job j ON j.name = v.job AND j.retired_at IS NULL
                    WHERE v.deleted_at IS NULL AND coalesce(v.checked_at, v.promoted_at) < ?
                    """, arguments: [Timestamp.string(before)]) ?? 0
        }
    }

    /// The files recorded for a version at promotion, in path order; empty for a version
    /// promoted before they were recorded.
    public func recordedFiles(job: String, versionID: String) throws(StoreError) -> [RecordedFile] {
        try read { db in
            try SQLRow.fetchAll(
                db, sql: "SELECT path, size, sha256, checked_in_round FROM version_file WHERE job = ? AND version_id = ? ORDER BY path",
                arguments: [job, versionID]
            ).map {
                RecordedFile(
                    file: VersionFile(path: $0["path"], size: $0["size"], sha256: $0["sha256"]), checkedInRound: ($0["checked_in_round"] as Int) == 1)
            }
        }
    }

    /// Records the files of a version promoted before they were recorded at promotion, as its
    /// kept `STATUS.json` lists them, so that later checks compare with the same list.
    public func recordFiles(job: String, versionID: String, files: [VersionFile]) throws(StoreError) {
        try write { db in try Self.insertVersionFiles(db, job: job, versionID: versionID, files: files) }
    }

    static func insertVersionFiles(_ db: any SQLConnection, job: String, versionID: String, files: [VersionFile]) throws {
        guard !files.isEmpty else { return }
        let statement = db.cachedStatement(
            sql: "INSERT INTO version_file (job, version_id, path, size, sha256) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
        for file in files {
            try statement.execute(arguments: [job, versionID, file.path, file.size, file.sha256?.lowercased()])
        }
    }

    /// Writes what the scrub found in one version in one transaction: files checked, the
    /// corruption and its notifications, and the end of the version's round when it is complete.
    public func recordScrub(_ progress: ScrubProgress, at now: Date) throws(StoreError) {
        guard !progress.isEmpty else { return }
        let at = Timestamp.string(now)
        try write { db in
            let mark = db.cachedStatement(
                sql: """
                    UPDATE version_file SET checked_in_round = 1, sha256 = coalesce(sha256, ?)
                    WHERE job = ? AND version_id = ? AND path = ?
                    """)
            for path in progress.checked {
                try mark.execute(arguments: [progress.baselines[path], progress.job, progress.versionID, path])
            }
            if let reason = progress.corruption {
                try db.execute(
                    sql: """
                        UPDATE version SET corrupted = CASE WHEN corrupted = ? THEN ? ELSE coalesce(corrupted, ?) END
                        WHERE job = ? AND id = ?
                        """,
                    arguments: [progress.replacing, reason, reason, progress.job, progress.versionID])
                for item in progress.notifications { try Self.insert(item, job: progress.job, at: now, db) }
            }
            if progress.complete {
                try db.execute(
                    sql: "UPDATE version SET checked_at = ? WHERE job = ? AND id = ?", arguments: [at, progress.job, progress.versionID])
                try db.execute(
                    sql: "UPDATE version_file SET checked_in_round = 0 WHERE job = ? AND version_id = ? AND checked_in_round = 1",
                    arguments: [progress.job, progress.versionID])
            }
        }
    }

    /// Marks a version whose folder retention removed (a late version deleted right after its
    /// promotion, or one the ledger had not caught up with) as deleted.
    public func markVersionDeleted(job: String, versionID: String, at now: Date) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE version SET deleted_at = ? WHERE job = ? AND id = ? AND deleted_at IS NULL",
                arguments: [Timestamp.string(now), job, versionID])
        }
    }

    /// Per active job, how many of its kept versions are marked CORRUPTED (jobs with none absent).
    public func corruptedVersionCounts() throws(StoreError) -> [String: Int] {
        try read { db in try Self.corruptedVersionCounts(db) }
    }

    static func corruptedVersionCounts(_ db: any SQLConnection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try SQLRow.fetchAll(
            db, sql: "SELECT job, count(*) AS n FROM version WHERE deleted_at IS NULL AND corrupted IS NOT NULL GROUP BY job")
        {
            counts[row["job"]] = row["n"]
        }
        return counts
    }
}
