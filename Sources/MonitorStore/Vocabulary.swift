import MonitorCore

/// The values the state's columns may hold, taken from the code's own lists: verdicts for
/// occurrences and status files, notification events for the outbox, channel kinds for routes.
/// Columns reference these tables, so the schema still refuses anything else; a new case in the
/// code is added here at the next open, with no migration.
enum Vocabulary {
    static func fill(_ db: any SQLConnection) throws {
        try insert(Verdict.allCases.map(\.rawValue), into: "verdict_name", db)
        try insert(NotificationEvent.allCases.map(\.rawValue), into: "event_name", db)
        try insert(AlertRoute.Channel.kinds, into: "channel_kind", db)
    }

    private static func insert(_ names: [String], into table: String, _ db: any SQLConnection) throws {
        let statement = db.cachedStatement(sql: "INSERT INTO \(table) (name) VALUES (?) ON CONFLICT DO NOTHING")
        for name in names { try statement.execute(arguments: [name]) }
    }
}
