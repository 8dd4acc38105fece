import Foundation
import MonitorCore

/// A silence kept in the state (`monitor silence add`), with who added it and whether it was
/// expired by hand.
public struct StoredSilence: Sendable, Hashable {
    public var silence: Silence
    public var createdAt: Date
    public var createdBy: String
    /// When `monitor silence expire` ended it, if it did.
    public var expiredAt: Date?

    public var id: Int64 { silence.id ?? 0 }
}

/// Why a silence cannot be expired.
public enum SilenceExpiry: Sendable, Equatable {
    case expired(StoredSilence)
    case unknown
    case alreadyEnded(StoredSilence)
}

extension StateStore {
    /// The verdicts that never give a job its status (PENDING, SKIPPED), as an SQL list.
    static let statuslessVerdictList = Verdict.allCases.filter { !$0.setsJobStatus }.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// Records a silence; returns it with its new id.
    public func addSilence(_ silence: Silence, at now: Date, by user: String) throws(StoreError) -> StoredSilence {
        let match: String
        do { match = String(decoding: try JSONEncoder.canonical.encode(silence.match), as: UTF8.self) } catch {
            throw .database("cannot encode the silence's match: \(error)")
        }
        return try write { db in
            let id = try db.insert(
                sql: "INSERT INTO silence (match, starts_at, ends_at, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    match, silence.from.map(Timestamp.string), Timestamp.string(silence.until), silence.reason, Timestamp.string(now), user,
                ])
            var added = silence
            added.id = id
            return StoredSilence(silence: added, createdAt: now, createdBy: user, expiredAt: nil)
        }
    }

    /// The state's silences that have not ended at `now` (holding or upcoming), oldest first;
    /// with `includingEnded`, every one ever added.
    public func silences(at now: Date, includingEnded: Bool = false) throws(StoreError) -> [StoredSilence] {
        try read { db in
            try SQLRow.fetchAll(
                db, sql: "SELECT * FROM silence\(includingEnded ? "" : " WHERE ends_at > ?") ORDER BY id",
                arguments: includingEnded ? [] : [Timestamp.string(now)]
            ).map(Self.storedSilence)
        }
    }

    /// Ends silence `id` at `now`, keeping it in the list of ended ones.
    public func expireSilence(id: Int64, at now: Date) throws(StoreError) -> SilenceExpiry {
        try write { db in
            guard let row = try SQLRow.fetchOne(db, sql: "SELECT * FROM silence WHERE id = ?", arguments: [id]) else { return .unknown }
            let stored = try Self.storedSilence(row)
            guard stored.silence.until > now else { return .alreadyEnded(stored) }
            let nowText = Timestamp.string(now)
            // One that has not started yet ends before it starts: it never held.
            try db.execute(
                sql: """
                    UPDATE silence SET expired_at = ?, ends_at = ?,
                      starts_at = CASE WHEN starts_at IS NOT NULL AND starts_at > ? THEN ? ELSE starts_at END
                    WHERE id = ?
                    """, arguments: [nowText, nowText, nowText, nowText, id])
            var expired = stored
            expired.silence.until = now
            if let from = expired.silence.from, from > now { expired.silence.from = now }
            expired.expiredAt = now
            return .expired(expired)
        }
    }

    /// Marks the occurrences a silenced notification was about, for their history.
    static func markSilenced(_ occurrences: [Occurrence], job: String, _ db: any SQLConnection) throws {
        let statement = db.cachedStatement(sql: "UPDATE occurrence SET silenced = 1 WHERE job = ? AND scheduled_at = ?")
        for occurrence in occurrences { try statement.execute(arguments: [job, Timestamp.string(occurrence.scheduledAt)]) }
    }

    static func storedSilence(_ row: SQLRow) throws -> StoredSilence {
        let match: SilenceMatch
        do { match = try JSONDecoder().decode(SilenceMatch.self, from: Data((row["match"] as String).utf8)) } catch {
            throw StoreError.corrupt(reason: "silence \(row["id"] as Int64) has a match that cannot be read: \(error)")
        }
        return StoredSilence(
            silence: Silence(
                id: row["id"], match: match, from: try row.optionalTime("starts_at"), until: try row.time("ends_at"), reason: row["reason"]),
            createdAt: try row.time("created_at"), createdBy: row["created_by"], expiredAt: try row.optionalTime("expired_at"))
    }
}
