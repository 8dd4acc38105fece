import Foundation
import GRDB
import MonitorCore

/// ``SQLConnection`` over a GRDB database handle, for the duration of one transaction.
/// Statements are compiled once per connection and reused (GRDB's statement cache).
final class SQLiteConnection: SQLConnection {
    let db: Database
    var dialect: SQLDialect { .sqlite }

    init(_ db: Database) { self.db = db }

    func execute(_ sql: String, _ arguments: SQLArguments) throws {
        if arguments.values.isEmpty, sql.contains(";") {
            // A script (migrations, tests): several statements, no arguments.
            try db.execute(sql: sql)
        } else {
            try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
        }
    }

    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        let statement = try db.cachedStatement(sql: sql)
        let columns = SQLRow.Columns(statement.columnNames)
        var result: [SQLRow] = []
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        while let row = try cursor.next() {
            result.append(SQLRow(columns: columns, values: row.databaseValues.map(Self.value)))
        }
        return result
    }

    static func arguments(_ arguments: SQLArguments) -> StatementArguments {
        StatementArguments(
            arguments.values.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .null: nil
                case .integer(let number): number
                case .real(let number): number
                case .text(let text): text
                // The state stores times as RFC 3339 text in UTC, which sorts as time does.
                case .time(let date): Timestamp.string(date)
                }
            })
    }

    static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let number): .integer(number)
        case .double(let number): .real(number)
        case .string(let text): .text(text)
        case .blob(let data): .text(String(decoding: data, as: UTF8.self))
        }
    }
}
