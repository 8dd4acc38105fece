import Foundation
import MonitorCore

/// A notification waiting in the outbox, or being delivered.
public struct OutboxEntry: Sendable, Hashable {
    public var id: Int64
    public var route: String
    public var job: String
    public var alert: Alert
    public var createdAt: Date
    public var attempts: Int
}

/// Payloads are JSON with RFC 3339 times, readable with the sqlite3 shell.
enum OutboxCoding {
    static func encode(_ alert: Alert) throws -> String {
        let encoder = JSONEncoder.canonical
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.string(date))
        }
        return String(decoding: try encoder.encode(alert), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> Alert {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad time \(text)"))
            }
            return date
        }
        return try decoder.decode(Alert.self, from: Data(text.utf8))
    }
}

extension StateStore {
    /// Claims the notifications due at `now` (not delivered, not given up, not claimed by another
    /// deliverer), until `claimUntil`. A claimed row is sent by this deliverer only.
    public func claimDueNotifications(now: Date, claimUntil: Date, limit: Int = 100) throws(StoreError) -> [OutboxEntry] {
        let nowText = Timestamp.string(now)
        return try write { db in
            let rows = try SQLRow.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox
                    WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= ? AND silenced = 0
                      AND (claimed_until IS NULL OR claimed_until <= ?)
                    ORDER BY id LIMIT ?
                    """, arguments: [nowText, nowText, limit])
            var entries: [OutboxEntry] = []
            for row in rows {
                let id: Int64 = row["id"]
                try db.execute(
                    sql: "UPDATE outbox SET claimed_until = ?, attempts = attempts + 1 WHERE id = ?",
                    arguments: [Timestamp.string(claimUntil), id])
                guard let alert = try? OutboxCoding.decode(row["payload"]) else {
                    try db.execute(sql: "UPDATE outbox SET gave_up_at = ?, last_error = 'unreadable payload' WHERE id = ?", arguments: [nowText, id])
                    continue
                }
                entries.append(
                    OutboxEntry(
                        id: id, route: row["route"], job: row["job"], alert: alert,
                        createdAt: Timestamp.parse(row["created_at"]) ?? now, attempts: (row["attempts"] as Int) + 1))
            }
            return entries
        }
    }

    public func markDelivered(_ id: Int64, at now: Date) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE outbox SET delivered_at = ?, claimed_until = NULL, last_error = NULL WHERE id = ?",
                arguments: [Timestamp.string(now), id])
        }
    }

    /// Records a failed attempt: retried at `retryAt`, or given up when it is `nil`.
    public func markFailed(_ id: Int64, error: String, retryAt: Date?, at now: Date) throws(StoreError) {
        try write { db in
            if let retryAt {
                try db.execute(
                    sql: "UPDATE outbox SET last_error = ?, next_attempt_at = ?, claimed_until = NULL WHERE id = ?",
                    arguments: [error, Timestamp.string(retryAt), id])
            } else {
                try db.execute(
                    sql: "UPDATE outbox SET last_error = ?, gave_up_at = ?, claimed_until = NULL WHERE id = ?",
                    arguments: [error, Timestamp.string(now), id])
            }
        }
    }

    /// Outbox counts for metrics and `status`: pending, delivered and given up (silenced rows are
    /// none of these: they are never sent).
    public func outboxCounts() throws(StoreError) -> (pending: Int, delivered: Int, failed: Int) {
        try read { db in
            let row = try SQLRow.fetchOne(
                db,
                sql: """
                    SELECT count(*) FILTER (WHERE delivered_at IS NULL AND gave_up_at IS NULL AND silenced = 0),
                      count(*) FILTER (WHERE delivered_at IS NOT NULL), count(*) FILTER (WHERE gave_up_at IS NOT NULL) FROM outbox
                    """)!
            return ((row[0] as Int?) ?? 0, (row[1] as Int?) ?? 0, (row[2] as Int?) ?? 0)
        }
    }
}
