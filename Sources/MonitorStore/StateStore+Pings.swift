import Foundation
import MonitorCore

/// What a ping says (SPEC §13): the suffix of its URL.
public enum PingKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// `/start`: a run began.
    case start
    /// No suffix, or `/0`: a run succeeded.
    case success
    /// `/fail`, or `/1` to `/255`: a run failed.
    case fail
    /// `/log`: a message only; kept with the job's pings, never a run.
    case log

    /// Whether it ends a run (success or fail).
    public var finishes: Bool { self == .success || self == .fail }
}

/// A ping as the daemon received it, before it is stored.
public struct ReceivedPing: Sendable, Hashable {
    public var job: String
    public var kind: PingKind
    /// The exit status of `/{exit_code}` (0–255); nil for the named suffixes.
    public var exitCode: Int?
    /// `?rid=`, lowercased: pairs a start with its finish.
    public var rid: String?
    /// The daemon's clock when the ping arrived: the finish time of its run.
    public var receivedAt: Date
    /// The request body, already cut to ``StateStore/pingBodyLimit`` bytes and cleaned.
    public var body: String

    public init(job: String, kind: PingKind, exitCode: Int? = nil, rid: String? = nil, receivedAt: Date, body: String = "") {
        self.job = job
        self.kind = kind
        self.exitCode = exitCode
        self.rid = rid
        self.receivedAt = receivedAt
        self.body = body
    }
}

/// A ping as the state keeps it.
public struct StoredPing: Sendable, Hashable {
    public var id: Int64
    public var job: String
    public var kind: PingKind
    public var exitCode: Int?
    public var rid: String?
    public var receivedAt: Date
    public var body: String
    /// A finish: when the start it pairs with arrived (by `rid`, else the latest start since the previous finish).
    public var startedAt: Date?
    /// A start: no finish ended it and no later start replaced it.
    public var open: Bool
}

/// What became of a received ping.
public enum PingAcceptance: Sendable, Hashable {
    /// Stored under this id.
    case recorded(Int64)
    /// The job is unknown, retired, or not a `source: ping` job: nothing was stored.
    case notAPingJob
}

extension StateStore {
    /// The most of a ping's body that is kept, in bytes (100 KiB); the rest is dropped.
    public static let pingBodyLimit = 100 * 1024
    /// Pings of one job kept after the scan has processed them (the newest), for the job's history.
    public static let keptProcessedPings = 100
    /// Pings of one job kept at most, processed or not: a producer that pings far faster than
    /// scans can judge loses its oldest pings rather than filling the disk.
    public static let maximumPingsPerJob = 10_000

    /// Stores a ping of `ping.job` if that is an active `source: ping` job, in one transaction
    /// with its pairing: a finish takes its start's time for the run's duration (the start with
    /// the same `rid`, or without one the latest start since the previous finish, as Healthchecks
    /// does); a start replaces the job's open start (a replaced start that had already overrun
    /// its deadline stays for the scan to call FAILED).
    public func record(ping: ReceivedPing) throws(StoreError) -> PingAcceptance {
        try record(pings: [ping])[0]
    }

    /// ``record(ping:)`` for several pings, in order, in ONE transaction: under a flood the
    /// daemon commits the pings that arrived together at once, not one commit each.
    public func record(pings: [ReceivedPing]) throws(StoreError) -> [PingAcceptance] {
        try write { db in
            var deadlines: [String: TimeSpan?] = [:]
            return try pings.map { ping in
                let deadline: TimeSpan?
                if let known = deadlines[ping.job] {
                    deadline = known
                } else {
                    deadline = try Self.startDeadline(db, job: ping.job)
                    deadlines[ping.job] = deadline
                }
                guard let deadline else { return .notAPingJob }
                return .recorded(try Self.insert(ping, deadline: deadline, db))
            }
        }
    }

    /// The start deadline of an active `source: ping` job (``MonitorCore/Job/startDeadline``),
    /// read from its stored spec without decoding all of it; nil for any other job.
    static func startDeadline(_ db: any SQLConnection, job: String) throws -> TimeSpan? {
        let row = try SQLRow.fetchOne(
            db,
            sql: """
                SELECT \(db.dialect.jsonText("spec", "source")) AS source, \(db.dialect.jsonText("spec", "window")) AS window,
                  \(db.dialect.jsonText("spec", "expect.max_duration")) AS max_duration
                FROM job WHERE name = ? AND retired_at IS NULL
                """,
            arguments: [job])
        guard let row, (row["source"] as String?) == Source.Kind.ping.rawValue else { return nil }
        let text: String? = row["max_duration"] ?? row["window"]
        guard let text, let span = try? TimeSpan(parsing: text) else {
            throw StoreError.corrupt(reason: "job \(job) has no readable window in the state (edited by hand, or damaged)")
        }
        return span
    }

    private static func insert(_ ping: ReceivedPing, deadline: TimeSpan, _ db: any SQLConnection) throws -> Int64 {
        var startedAt: String?
        switch ping.kind {
        case .start:
            // Replaced starts are done with, unless already past their deadline: that one failed.
            let overrun = Timestamp.string(ping.receivedAt.addingTimeInterval(-Double(deadline.seconds)))
            try db.execute(
                sql:
                    "UPDATE ping SET open = 0, processed = CASE WHEN received_at > ? THEN 1 ELSE 0 END WHERE job = ? AND kind = 'start' AND open = 1",
                arguments: [overrun, ping.job])
        case .success, .fail:
            // Read newest first along (job, id): both stop at the first row that matches.
            let previous = try Int64.fetchOne(
                db, sql: "SELECT id FROM ping WHERE job = ? AND kind IN ('success', 'fail') AND rid IS NOT DISTINCT FROM ? ORDER BY id DESC LIMIT 1",
                arguments: [ping.job, ping.rid])
            let start = try SQLRow.fetchOne(
                db,
                sql:
                    "SELECT id, received_at FROM ping WHERE job = ? AND kind = 'start' AND rid IS NOT DISTINCT FROM ? AND id > ? ORDER BY id DESC LIMIT 1",
                arguments: [ping.job, ping.rid, previous ?? 0])
            if let start {
                startedAt = start["received_at"]
                // Its run is this finish's: nothing left for the scan to judge of it.
                try db.execute(sql: "UPDATE ping SET open = 0, processed = 1 WHERE id = ?", arguments: [start["id"] as Int64])
            }
        case .log:
            break
        }
        let id = try db.insert(
            sql: """
                INSERT INTO ping (job, kind, exit_code, rid, received_at, body, started_at, open, processed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                ping.job, ping.kind.rawValue, ping.exitCode, ping.rid, Timestamp.string(ping.receivedAt), ping.body, startedAt,
                ping.kind == .start ? 1 : 0, ping.kind == .log ? 1 : 0,
            ])
        // Now and then, not at every ping: counting back 10,000 rows costs more than a ping.
        if id % 500 == 0 {
            try db.execute(
                sql: """
                    DELETE FROM ping WHERE job = ?
                      AND id <= (SELECT id FROM ping WHERE job = ? ORDER BY id DESC LIMIT 1 OFFSET \(maximumPingsPerJob))
                    """,
                arguments: [ping.job, ping.job])
        }
        return id
    }

    /// The job's pings the scan has not finished with, oldest first, at most `limit`: finishes
    /// whose runs may not be recorded yet, and starts still open or replaced after their deadline.
    public func unprocessedPings(job: String, limit: Int) throws(StoreError) -> [StoredPing] {
        try read { db in
            try SQLRow.fetchAll(
                db, sql: "SELECT * FROM ping WHERE job = ? AND processed = 0 AND kind != 'log' ORDER BY id LIMIT ?",
                arguments: [job, limit]
            ).map(Self.ping)
        }
    }

    /// The job's newest pings, newest first, logs included (its history).
    public func recentPings(job: String, limit: Int) throws(StoreError) -> [StoredPing] {
        try read { db in
            try SQLRow.fetchAll(db, sql: "SELECT * FROM ping WHERE job = ? ORDER BY id DESC LIMIT ?", arguments: [job, limit]).map(Self.ping)
        }
    }

    /// Marks pings whose runs the ledger has recorded as processed, and deletes the job's
    /// processed pings beyond the newest ``keptProcessedPings``: the table holds what the scan
    /// still has to judge and a short history, whatever the number of pings received.
    public func markPingsProcessed(job: String, ids: [Int64]) throws(StoreError) {
        try write { db in
            var start = ids.startIndex
            while start < ids.endIndex {
                let chunk = ids[start..<min(start + 500, ids.endIndex)]
                try db.execute(
                    sql: "UPDATE ping SET processed = 1 WHERE job = ? AND id IN (\(chunk.map { _ in "?" }.joined(separator: ",")))",
                    arguments: SQLArguments([job as (any SQLBindable)?] + chunk.map { $0 as (any SQLBindable)? }))
                start = chunk.endIndex
            }
            try db.execute(
                sql: """
                    DELETE FROM ping WHERE job = ? AND processed = 1
                      AND id < (SELECT id FROM ping WHERE job = ? ORDER BY id DESC LIMIT 1 OFFSET \(Self.keptProcessedPings - 1))
                    """,
                arguments: [job, job])
        }
    }

    static func ping(_ row: SQLRow) throws -> StoredPing {
        let kind: String = row["kind"]
        guard let pingKind = PingKind(rawValue: kind) else {
            throw StoreError.corrupt(reason: "a ping of job \(row["job"] as String) has kind \"\(kind)\", which this monitor does not know")
        }
        return StoredPing(
            id: row["id"], job: row["job"], kind: pingKind, exitCode: row["exit_code"], rid: row["rid"],
            receivedAt: try row.time("received_at"), body: row["body"], startedAt: try row.optionalTime("started_at"),
            open: (row["open"] as Int) == 1)
    }
}
