import Foundation
import MonitorCore

extension SQLRow {
    /// A time the state stores: RFC 3339 text in SQLite, `timestamptz` in PostgreSQL. A value
    /// that is not one — a state edited by hand, or damaged — is a clear error naming the
    /// column, never a crash.
    func time(_ column: String) throws -> Date {
        if let date = Date.from(value(column)) { return date }
        let text: String? = self[column]
        throw StoreError.corrupt(
            reason:
                "\(column) holds \(text.map { "\"\($0)\"" } ?? "nothing"), not a time (edited by hand, or damaged: restore the state from a backup)")
    }

    /// ``time(_:)`` for a column that may be empty.
    func optionalTime(_ column: String) throws -> Date? {
        value(column).isNull ? nil : try time(column)
    }

    /// A verdict the state stores by name. One this monitor does not know was written by a
    /// newer one: say so rather than show it as something else.
    func verdict(_ column: String) throws -> Verdict {
        let text: String = self[column]
        guard let verdict = Verdict(rawValue: text) else {
            throw StoreError.corrupt(
                reason: "\(column) holds \"\(text)\", a verdict this monitor does not know (written by a newer monitor? upgrade it)")
        }
        return verdict
    }
}
