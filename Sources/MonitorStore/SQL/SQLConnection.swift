import Foundation

/// Which engine holds the state. The store writes one SQL for both wherever it can (the
/// common subset: `ON CONFLICT`, window functions, `IS NOT DISTINCT FROM`, `FILTER`); the few
/// places that differ ask the dialect.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// The text at `path` (keys separated by dots) of a JSON document held in a text column.
    func jsonText(_ column: String, _ path: String) -> String {
        switch self {
        case .sqlite: "json_extract(\(column), '$.\(path)')"
        case .postgres: "(\(column)::jsonb #>> '{\(path.split(separator: ".").joined(separator: ","))}')"
        }
    }
}

/// One connection to the state inside a transaction that ``StateStore`` holds: everything the
/// store's queries do goes through these two calls. Arguments are written `?`.
public protocol SQLConnection: AnyObject {
    var dialect: SQLDialect { get }
    func execute(_ sql: String, _ arguments: SQLArguments) throws
    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow]
}

extension SQLConnection {
    public func execute(sql: String, arguments: SQLArguments = []) throws {
        try execute(sql, arguments)
    }

    /// Runs an `INSERT … RETURNING id` and returns the new row's id.
    public func insert(sql: String, arguments: SQLArguments = []) throws -> Int64 {
        guard let id: Int64 = try rows(sql + " RETURNING id", arguments).first?[0] else {
            throw StoreError.database("the database returned no id for a new row")
        }
        return id
    }

    /// A statement run many times in one transaction. SQLite keeps it compiled; PostgreSQL
    /// sends it with each use (a round trip either way).
    public func cachedStatement(sql: String) -> SQLStatement { SQLStatement(connection: self, sql: sql) }
}

public struct SQLStatement {
    let connection: any SQLConnection
    let sql: String

    public func execute(arguments: SQLArguments = []) throws { try connection.execute(sql, arguments) }
}

extension SQLRow {
    public static func fetchAll(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> [SQLRow] {
        try db.rows(sql, arguments)
    }

    public static func fetchOne(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        try db.rows(sql, arguments).first
    }

    public static func fetchAll(_ statement: SQLStatement, arguments: SQLArguments = []) throws -> [SQLRow] {
        try statement.connection.rows(statement.sql, arguments)
    }

    public static func fetchOne(_ statement: SQLStatement, arguments: SQLArguments = []) throws -> SQLRow? {
        try statement.connection.rows(statement.sql, arguments).first
    }
}

extension SQLBindable {
    /// The first column of the first row; `nil` when there is no row or it holds NULL.
    public static func fetchOne(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> Self? {
        try db.rows(sql, arguments).first.flatMap { $0.values.first.flatMap(Self.from) }
    }

    /// The first column of every row, NULLs left out.
    public static func fetchAll(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> [Self] {
        try db.rows(sql, arguments).compactMap { $0.values.first.flatMap(Self.from) }
    }

    public static func fetchOne(_ statement: SQLStatement, arguments: SQLArguments = []) throws -> Self? {
        try fetchOne(statement.connection, sql: statement.sql, arguments: arguments)
    }
}
