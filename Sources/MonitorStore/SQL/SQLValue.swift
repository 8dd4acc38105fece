import Foundation
import MonitorCore

/// One value in or out of the state's database, whichever engine holds it. Times read back from
/// SQLite are text (RFC 3339, as the state stores them); from PostgreSQL they are `timestamptz`.
/// The accessors on ``SQLRow`` accept either, so the store's queries read alike on both.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case time(Date)

    var isNull: Bool { if case .null = self { true } else { false } }
}

/// A Swift value the store binds as a statement argument or reads from a column.
public protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
    /// The value `sqlValue` holds, if it is one of this type; `nil` for NULL or another type.
    static func from(_ value: SQLValue) -> Self?
}

extension String: SQLBindable {
    public var sqlValue: SQLValue { .text(self) }
    public static func from(_ value: SQLValue) -> String? {
        switch value {
        case .text(let text): text
        case .time(let date): Timestamp.string(date)
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .null: nil
        }
    }
}

extension Int64: SQLBindable {
    public var sqlValue: SQLValue { .integer(self) }
    public static func from(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let number): number
        case .real(let number): Int64(exactly: number.rounded(.towardZero))
        case .text(let text): Int64(text)
        default: nil
        }
    }
}

extension Int: SQLBindable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public static func from(_ value: SQLValue) -> Int? { Int64.from(value).map { Int($0) } }
}

extension Double: SQLBindable {
    public var sqlValue: SQLValue { .real(self) }
    public static func from(_ value: SQLValue) -> Double? {
        switch value {
        case .real(let number): number
        case .integer(let number): Double(number)
        case .text(let text): Double(text)
        default: nil
        }
    }
}

extension Bool: SQLBindable {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public static func from(_ value: SQLValue) -> Bool? { Int64.from(value).map { $0 != 0 } }
}

extension Date: SQLBindable {
    public var sqlValue: SQLValue { .time(self) }
    public static func from(_ value: SQLValue) -> Date? {
        switch value {
        case .time(let date): date
        case .text(let text): Timestamp.parse(text)
        default: nil
        }
    }
}

extension SQLValue: SQLBindable {
    public var sqlValue: SQLValue { self }
    public static func from(_ value: SQLValue) -> SQLValue? { value }
}

/// The arguments of one statement, written as an array literal: `[job, nil, 1]`.
public struct SQLArguments: Sendable, ExpressibleByArrayLiteral {
    public var values: [SQLValue]

    public init(arrayLiteral elements: (any SQLBindable)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    public init(_ elements: [(any SQLBindable)?]) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    public init<S: Sequence>(_ elements: S) where S.Element: SQLBindable {
        values = elements.map(\.sqlValue)
    }

    init(values: [SQLValue]) { self.values = values }

    public static func + (lhs: SQLArguments, rhs: SQLArguments) -> SQLArguments { SQLArguments(values: lhs.values + rhs.values) }
    public static func += (lhs: inout SQLArguments, rhs: SQLArguments) { lhs.values += rhs.values }
}

/// One result row: its columns by name (shared by every row of a result) and its values.
public struct SQLRow: Sendable {
    final class Columns: Sendable {
        let names: [String]
        init(_ names: [String]) { self.names = names }

        func index(of name: String) -> Int? { names.firstIndex(of: name) }
    }

    let columns: Columns
    public let values: [SQLValue]

    init(columns: Columns, values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public var columnNames: [String] { columns.names }

    public func hasColumn(_ name: String) -> Bool { columns.index(of: name) != nil }

    /// The raw value of `column`; NULL for a column the row does not have.
    public func value(_ column: String) -> SQLValue {
        columns.index(of: column).map { values[$0] } ?? .null
    }

    /// A column that may be NULL.
    public subscript<T: SQLBindable>(_ column: String) -> T? {
        T.from(value(column))
    }

    /// A column the schema makes NOT NULL. A NULL or a value of another kind there means the
    /// state was damaged or edited by hand: that is a programming-level invariant of the schema,
    /// as with GRDB's non-optional row access, and it stops the process with the column named.
    public subscript<T: SQLBindable>(_ column: String) -> T {
        guard let value = T.from(value(column)) else {
            preconditionFailure("the state's column \(column) holds \(value(column)), not a \(T.self)")
        }
        return value
    }

    public subscript<T: SQLBindable>(_ index: Int) -> T? {
        index < values.count ? T.from(values[index]) : nil
    }
}
