import Foundation
import MonitorCore

/// `monitor state copy` (SPEC §12): a whole state moved between SQLite and PostgreSQL, either
/// way, rows and ids as they are — outbox, occurrence and silence ids are referenced elsewhere
/// (status files, `silence expire`, notification links), and the state's identity goes with it,
/// since the copy is the same state (saved plans made against it still apply).
extension StateStore {
    /// How many rows of one table a copy carried.
    public struct CopiedTable: Sendable, Equatable {
        public let table: String
        public let rows: Int
    }

    /// One table of the schema, as the copy walks it: in an order that lets every foreign key
    /// find its row already there, read by its primary key so that chunks follow one another.
    struct CopyTable: Sendable {
        let name: String
        let key: [String]
        /// Its `id` is an identity (AUTOINCREMENT in SQLite), whose counter the copy carries.
        var identity = false
        /// What the state holds besides the operator's data: filled by every open, so a new
        /// target already has these rows and the copy only adds (meta: replaces) them.
        var prefilled = false
    }

    static let copyTables: [CopyTable] = [
        CopyTable(name: "meta", key: ["key"], prefilled: true),
        CopyTable(name: "verdict_name", key: ["name"], prefilled: true),
        CopyTable(name: "event_name", key: ["name"], prefilled: true),
        CopyTable(name: "channel_kind", key: ["name"], prefilled: true),
        CopyTable(name: "revision", key: ["id"], identity: true),
        CopyTable(name: "settings", key: ["id"]),
        CopyTable(name: "destination", key: ["name"]),
        CopyTable(name: "alert_route", key: ["name"]),
        CopyTable(name: "job", key: ["name"]),
        CopyTable(name: "occurrence", key: ["id"], identity: true),
        CopyTable(name: "status_file", key: ["job", "sha256"]),
        CopyTable(name: "version", key: ["job", "id"]),
        CopyTable(name: "version_file", key: ["job", "version_id", "path"]),
        CopyTable(name: "outbox", key: ["id"], identity: true),
        CopyTable(name: "scan", key: ["id"], identity: true),
        CopyTable(name: "silence", key: ["id"], identity: true),
        CopyTable(name: "ping", key: ["id"], identity: true),
        CopyTable(name: "agent", key: ["name"]),
    ]

    /// The tables a state's schema has, besides the engine's own bookkeeping (migrations, SQLite's counters).
    static func schemaTables(_ db: any SQLConnection) throws -> Set<String> {
        switch db.dialect {
        case .sqlite:
            Set(
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'grdb_migrations'"
                ))
        case .postgres:
            Set(
                try String.fetchAll(
                    db, sql: "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename <> ?",
                    arguments: [PostgresSchema.ledgerTable]))
        }
    }

    /// The columns of `table`, in the schema's order.
    static func columns(of table: String, _ db: any SQLConnection) throws -> [String] {
        switch db.dialect {
        case .sqlite:
            try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
        case .postgres:
            try String.fetchAll(
                db,
                sql: """
                    SELECT column_name::text FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
                    """,
                arguments: [table])
        }
    }

    /// The highest id the table's identity ever handed out (deleted rows included), so the copy
    /// never hands one out again.
    static func identityHighWater(of table: String, _ db: any SQLConnection) throws -> Int64 {
        switch db.dialect {
        case .sqlite:
            return try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table]) ?? 0
        case .postgres:
            return try Int64.fetchOne(
                db,
                sql: """
                    SELECT last_value FROM pg_sequences
                    WHERE format('%I.%I', schemaname, sequencename) = pg_get_serial_sequence(?, 'id')
                    """,
                arguments: [quoted(table)]) ?? 0
        }
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// How many values one INSERT binds at most: well under SQLite's 32,766 and PostgreSQL's
    /// 65,535, and a chunk of a few hundred rows, so that a big ledger never sits in memory whole.
    static let copyChunkValues = 4_000

    /// Copies the whole state `source` into `target`, which must hold none yet (a new SQLite file
    /// or a PostgreSQL database just given the schema: ``open(path:create:passwordVariable:)``
    /// with `create`). The source is read in one read transaction (one consistent snapshot, while
    /// a daemon may go on writing it), the target written in one write transaction: a failure
    /// anywhere rolls the target back to empty. Rows go across in chunks, in primary-key order.
    /// Returns the rows copied per table, in the order copied.
    public static func copy(from source: StateStore, to target: StateStore) throws(StoreError) -> [CopiedTable] {
        if source.path == target.path {
            throw .database("the source and the target are the same state (\(source.path)); copy to another file or database")
        }
        return try source.read { from in
            // Errors of the source are told as the source's, those of the target as the target's.
            func reading<T>(_ body: () throws -> T) throws -> T { try fromSource(source.path, body) }
            let revisions = try reading { try Int64.fetchOne(from, sql: "SELECT count(*) FROM revision") ?? 0 }
            guard revisions > 0 else {
                throw StoreError.missing(path: source.path)
            }
            let sourceTables = try reading { try schemaTables(from) }
            try checkTables(sourceTables, of: source.path)
            return try target.write { to in
                try checkTables(try schemaTables(to), of: target.path)
                for table in copyTables where !table.prefilled {
                    if try Int64.fetchOne(to, sql: "SELECT count(*) FROM (SELECT 1 FROM \(quoted(table.name)) LIMIT 1) AS any_row") ?? 0 > 0 {
                        throw StoreError.database(
                            "the target \(target.path) already holds a state (its table \(table.name) has rows); state copy only fills an empty one — "
                                + "give a new file or an empty database")
                    }
                }
                var copied: [CopiedTable] = []
                for table in copyTables {
                    let columns = try reading { try Self.columns(of: table.name, from) }
                    let targetColumns = try Self.columns(of: table.name, to)
                    guard Set(columns) == Set(targetColumns) else {
                        throw StoreError.database(
                            "the table \(table.name) has columns \(columns.joined(separator: ", ")) in \(source.path) "
                                + "but \(targetColumns.joined(separator: ", ")) in \(target.path); both should be at this monitor's schema")
                    }
                    let rows = try copyRows(of: table, columns: targetColumns, from: from, source: source.path, to: to)
                    if table.identity {
                        let high = try reading { try identityHighWater(of: table.name, from) }
                        try carryIdentity(of: table.name, highWater: high, to)
                    }
                    copied.append(CopiedTable(table: table.name, rows: rows))
                }
                return copied
            }
        }
    }

    /// Runs a read of the source, its failures told as the source's.
    private static func fromSource<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw classify(error, path: path) }
    }

    /// Both states must have exactly the tables the copy knows: a table it would leave behind
    /// (a schema newer than this list) must never be lost silently.
    private static func checkTables(_ tables: Set<String>, of path: String) throws {
        let known = Set(copyTables.map(\.name))
        if let unknown = tables.subtracting(known).sorted().first {
            throw StoreError.database("\(path) has a table \(unknown) that state copy does not know; nothing was copied")
        }
        if let missing = known.subtracting(tables).sorted().first {
            throw StoreError.database("\(path) has no table \(missing); it is not at this monitor's schema, nothing was copied")
        }
    }

    /// Copies the rows of one table, a chunk at a time, and returns how many.
    private static func copyRows(
        of table: CopyTable, columns: [String], from: any SQLConnection, source: String, to: any SQLConnection
    ) throws -> Int {
        let list = columns.map(quoted).joined(separator: ", ")
        let order = table.key.map(quoted).joined(separator: ", ")
        let chunk = max(1, copyChunkValues / columns.count)
        let keyIndexes = table.key.map { key in columns.firstIndex(of: key)! }
        let after = table.key.count == 1 ? "\(order) > ?" : "(\(order)) > (\(table.key.map { _ in "?" }.joined(separator: ", ")))"
        let first = "SELECT \(list) FROM \(quoted(table.name)) ORDER BY \(order) LIMIT \(chunk)"
        let next = "SELECT \(list) FROM \(quoted(table.name)) WHERE \(after) ORDER BY \(order) LIMIT \(chunk)"
        let placeholders = "(" + columns.map { _ in "?" }.joined(separator: ", ") + ")"
        let conflict: String
        switch table.name {
        case "meta": conflict = " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        case _ where table.prefilled: conflict = " ON CONFLICT DO NOTHING"
        default: conflict = ""
        }
        var total = 0
        var last: [SQLValue]?
        while true {
            let rows = try fromSource(source) {
                if let last { try from.rows(next, SQLArguments(values: last)) } else { try from.rows(first, []) }
            }
            if rows.isEmpty { break }
            let values = rows.flatMap(\.values)
            let sql =
                "INSERT INTO \(quoted(table.name)) (\(list)) VALUES " + Array(repeating: placeholders, count: rows.count).joined(separator: ", ")
                + conflict
            do {
                try to.execute(sql, SQLArguments(values: values))
            } catch {
                let reason = classify(error, path: "the target")
                if case .database(let message) = reason {
                    throw StoreError.database("cannot copy the rows of \(table.name) (from the one after \(describe(last)) on): \(message)")
                }
                throw reason
            }
            total += rows.count
            last = keyIndexes.map { rows[rows.count - 1].values[$0] }
            if rows.count < chunk { break }
        }
        return total
    }

    private static func describe(_ key: [SQLValue]?) -> String {
        guard let key else { return "the start" }
        return "key " + key.map { value in String.from(value) ?? "NULL" }.joined(separator: ", ")
    }

    /// Sets the target's identity counter of `table` past every id it now holds and every id
    /// the source ever handed out, so that the next row gets a new id on either engine.
    private static func carryIdentity(of table: String, highWater: Int64, _ db: any SQLConnection) throws {
        let highest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM \(quoted(table))") ?? 0
        let high = max(highest, highWater)
        switch db.dialect {
        case .sqlite:
            // SQLite moves the counter itself as rows with ids go in; only a higher mark of the source is left to carry.
            guard high > 0 else { return }
            try db.execute(
                sql: "INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)",
                arguments: [table, high, table])
            try db.execute(sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", arguments: [high, table])
        case .postgres:
            // Rows inserted with their ids leave the identity where it was: without this the next insert would collide.
            if high > 0 {
                try db.execute(sql: "SELECT setval(pg_get_serial_sequence(?, 'id'), ?, true)", arguments: [quoted(table), high])
            } else {
                try db.execute(sql: "SELECT setval(pg_get_serial_sequence(?, 'id'), 1, false)", arguments: [quoted(table)])
            }
        }
    }
}
