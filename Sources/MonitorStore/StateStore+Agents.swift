import Foundation
import MonitorCore

/// An agent of a shared state: a host's `monitor run` (or `monitor scan --host`), as its
/// heartbeats show it.
public struct AgentRecord: Sendable, Hashable {
    public var name: String
    public var lastSeen: Date
    public var version: String
    /// The destinations it scans, by name.
    public var destinations: [String]
    public var scanIntervalSeconds: Int
    /// Down: not seen for three of its scan intervals, by the database's clock.
    public var isDown: Bool
    /// When another agent found it down and queued AGENT_DOWN; `nil` while up.
    public var downSince: Date?

    /// The instant it counts as down unless it reports again.
    public var dueBy: Date { lastSeen.addingTimeInterval(TimeInterval(StateStore.missedScansForDown * scanIntervalSeconds)) }
}

/// What an agent reports at each scan.
public struct AgentBeat: Sendable, Hashable {
    public var name: String
    public var version: String
    public var destinations: [String]
    public var scanIntervalSeconds: Int

    public init(name: String, version: String, destinations: [String], scanIntervalSeconds: Int) {
        self.name = name
        self.version = version
        self.destinations = destinations
        self.scanIntervalSeconds = scanIntervalSeconds
    }
}

extension StateStore {
    /// An agent silent for this many of its scan intervals is down.
    public static let missedScansForDown = 3

    /// Whether agent `name` is down, by the database's clock.
    private static let isDownSQL = "last_seen < now() - (\(missedScansForDown) * scan_interval_seconds) * interval '1 second'"

    /// What a heartbeat found of the agent's own past.
    public struct Heartbeat: Sendable, Hashable {
        /// It had been found down since then, and is back (its AGENT_UP was recorded).
        public var downSince: Date?
        /// Its previous heartbeat is older than it takes to be found down: this agent itself could
        /// not reach the database for a while (an outage of the database, or of its network).
        public var wasSilent: Bool
    }

    /// Records a heartbeat of `beat` at the database's clock. When the agent had been found down,
    /// it is up again: its `down_since` is cleared and `returned(downSince)` — its AGENT_UP
    /// notifications — recorded in the same transaction. Agents exist only in a shared
    /// (PostgreSQL) state: elsewhere this does nothing.
    @discardableResult
    public func heartbeat(_ beat: AgentBeat, returned: (Date) -> [OutboxItem]) throws(StoreError) -> Heartbeat {
        guard isShared else { return Heartbeat(downSince: nil, wasSilent: false) }
        let destinations = String(decoding: (try? JSONEncoder.canonical.encode(beat.destinations)) ?? Data("[]".utf8), as: UTF8.self)
        return try write { db in
            let before = try SQLRow.fetchOne(
                db, sql: "SELECT down_since, (\(Self.isDownSQL)) AS silent FROM agent WHERE name = ?", arguments: [beat.name])
            let downSince = try before?.optionalTime("down_since")
            try db.execute(
                sql: """
                    INSERT INTO agent (name, first_seen, last_seen, version, destinations, scan_interval_seconds, down_since)
                    VALUES (?, now(), now(), ?, ?, ?, NULL)
                    ON CONFLICT (name) DO UPDATE SET last_seen = now(), version = excluded.version,
                      destinations = excluded.destinations, scan_interval_seconds = excluded.scan_interval_seconds, down_since = NULL
                    """,
                arguments: [beat.name, beat.version, destinations, beat.scanIntervalSeconds])
            if let downSince {
                let now = try Date.fetchOne(db, sql: "SELECT now()") ?? Date()
                for item in returned(downSince) { try Self.insert(item, job: "", at: now, db) }
            }
            return Heartbeat(downSince: downSince, wasSilent: before?["silent"] ?? false)
        }
    }

    /// Finds the agents that went down since last looked (not seen for three scan intervals, by
    /// the database's clock, and not yet marked), marks them and records `alerts(agent, now)` —
    /// their AGENT_DOWN notifications — in the same transaction. Every agent calls this at each
    /// scan; the write lock and the mark make one of them do it, once per outage.
    @discardableResult
    public func markDownAgents(alerts: (AgentRecord, Date) -> [OutboxItem]) throws(StoreError) -> [AgentRecord] {
        guard isShared else { return [] }
        return try write { db in
            let now = try Date.fetchOne(db, sql: "SELECT now()") ?? Date()
            let down = try Self.agents(db, where: "down_since IS NULL AND \(Self.isDownSQL)")
            for agent in down {
                try db.execute(sql: "UPDATE agent SET down_since = ? WHERE name = ?", arguments: [now, agent.name])
                for item in alerts(agent, now) { try Self.insert(item, job: "", at: now, db) }
            }
            return down
        }
    }

    /// Every agent that ever reported, by name; empty with an SQLite state.
    public func agents() throws(StoreError) -> [AgentRecord] {
        guard isShared else { return [] }
        return try read { db in try Self.agents(db, where: nil) }
    }

    static func agents(_ db: any SQLConnection, where filter: String?) throws -> [AgentRecord] {
        guard db.dialect == .postgres else { return [] }
        return try SQLRow.fetchAll(
            db,
            sql: """
                SELECT name, last_seen, version, destinations, scan_interval_seconds, down_since, (\(isDownSQL)) AS down
                FROM agent\(filter.map { " WHERE \($0)" } ?? "") ORDER BY name
                """
        ).map { row in
            AgentRecord(
                name: row["name"], lastSeen: try row.time("last_seen"), version: row["version"],
                destinations: (try? JSONDecoder().decode([String].self, from: Data((row["destinations"] as String).utf8))) ?? [],
                scanIntervalSeconds: row["scan_interval_seconds"], isDown: row["down"], downSince: try row.optionalTime("down_since"))
        }
    }

    /// Records one notification in the outbox, unless one with its key is there already.
    static func insert(_ item: OutboxItem, job: String, at now: Date, _ db: any SQLConnection) throws {
        try db.execute(
            sql: """
                INSERT INTO outbox (route, job, event, dedup_key, payload, created_at, next_attempt_at, silenced)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """,
            arguments: [item.route, job, item.alert.event.rawValue, item.dedupKey, try OutboxCoding.encode(item.alert), now, now, item.silenced])
    }
}

/// Held while one process scans one host's destinations of a shared state (SPEC §12), so that
/// two scans of the same host never run at once; released when the scan ends.
public final class HostScanLock: Sendable {
    private let unlock: @Sendable () -> Void

    init(unlock: @escaping @Sendable () -> Void) { self.unlock = unlock }

    /// For a state that is not shared: nothing to hold (its scans follow one another on the write lock).
    public static var unneeded: HostScanLock { HostScanLock {} }

    public func release() { unlock() }
}

extension StateStore {
    /// Takes the scan lock of `host`, or answers `nil` at once when another process holds it.
    /// A PostgreSQL session lock: it is the server's, so it dies with a killed agent's connection.
    /// Without a host (a scan of every job) or with SQLite, there is nothing to hold.
    public func lockScans(of host: String?) throws(StoreError) -> HostScanLock? {
        guard let host, case .postgres(let pool) = backend else { return HostScanLock.unneeded }
        do {
            guard let unlock = try pool.trySessionLock("scan/\(host)") else { return nil }
            return HostScanLock(unlock: unlock)
        } catch {
            throw Self.classify(error, path: path)
        }
    }
}
