import Foundation
import MonitorCore
import NIOCore
import NIOPosix
import PostgresNIO

extension StateStore {
    /// The environment variable that holds the PostgreSQL state's password unless
    /// `settings.state_password_env` names another.
    public static let defaultPasswordVariable = "PGPASSWORD"

    /// Opens a PostgreSQL state. A database without the schema is "no state yet" (``StoreError/missing(path:)``)
    /// unless `create`, which creates it; the schema is brought up to date under the write lock,
    /// so agents that start at once upgrade it once.
    static func openPostgres(_ url: String, create: Bool, passwordVariable: String) throws(StoreError) -> StateStore {
        let location: PostgresLocation
        switch PostgresLocation.parse(url) {
        case .success(let parsed): location = parsed
        case .failure(let error): throw .unreadable(path: Self.redacted(url), reason: error.description)
        }
        let password = ProcessInfo.processInfo.environment[passwordVariable]
        let store = StateStore(pool: try PostgresPool(location: location, password: password))
        try store.preparePostgres(create: create, passwordVariable: passwordVariable)
        return store
    }

    /// A URL as it may be shown: a password in it (refused anyway) is never repeated.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "REDACTED"
        return components.string ?? "the PostgreSQL URL"
    }

    private func preparePostgres(create: Bool, passwordVariable: String) throws(StoreError) {
        let path = path
        guard case .postgres(let pool) = backend else { return }
        do {
            // The pool's own transaction, not `write`: its errors reach the classification below
            // raw, which names the password variable this state was opened with.
            try pool.transaction(writing: true) { db in
                let installed = try Bool.fetchOne(db, sql: "SELECT to_regclass('\(PostgresSchema.ledgerTable)') IS NOT NULL") ?? false
                if !installed {
                    let foreign = try Int.fetchOne(db, sql: "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") ?? 0
                    if foreign > 0 {
                        throw StoreError.notAStateFile(
                            path: path, reason: "the database holds \(foreign) tables of another program; give monitor a database of its own")
                    }
                    guard create else { throw StoreError.missing(path: path) }
                }
                let applied = installed ? Set(try String.fetchAll(db, sql: "SELECT identifier FROM \(PostgresSchema.ledgerTable)")) : []
                let known = PostgresSchema.migrations.map(\.identifier)
                let unknown = applied.subtracting(known)
                if !unknown.isEmpty { throw StoreError.newerSchema(path: path, unknown: unknown.sorted()) }
                for migration in PostgresSchema.migrations where !applied.contains(migration.identifier) {
                    if !migration.sql.isEmpty { try db.execute(sql: migration.sql) }
                    try db.execute(sql: "INSERT INTO \(PostgresSchema.ledgerTable) (identifier) VALUES (?)", arguments: [migration.identifier])
                }
                try Self.fillMeta(db)
            }
        } catch {
            throw PostgresErrors.classify(error, location: path, passwordVariable: passwordVariable) ?? Self.classify(error, path: path)
        }
    }
}

/// PostgreSQL's and the connection's failures in an operator's words.
enum PostgresErrors {
    static func classify(_ error: any Error, location: String, passwordVariable: String = StateStore.defaultPasswordVariable) -> StoreError? {
        if let error = error as? StoreError { return error }
        guard let error = error as? PSQLError else {
            if error is ChannelError || error is NIOConnectionError || error is IOError {
                return .unreadable(path: location, reason: "cannot reach the PostgreSQL server (\(error))")
            }
            return nil
        }
        if let info = error.serverInfo {
            let message = info[.message] ?? "\(error)"
            switch info[.sqlState] ?? "" {
            case "28P01", "28000":
                return .unreadable(
                    path: location, reason: "the server refused the login (\(message)); the password is read from $\(passwordVariable)")
            case "3D000": return .unreadable(path: location, reason: "\(message); create the database first (createdb)")
            case "55P03": return .busy(path: location)
            case "53100": return .database("the PostgreSQL server's disk is full (\(message)); free space there and try again")
            case "42501": return .unreadable(path: location, reason: "permission denied: \(message)")
            case let state where state.hasPrefix("08") || state.hasPrefix("57P"):
                return .unreadable(path: location, reason: "the PostgreSQL server is unavailable (\(message))")
            default: return .database(message + (info[.detail].map { " (\($0))" } ?? ""))
            }
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            let underlying = error.underlying.map { "\($0)" } ?? "\(error.code)"
            return .unreadable(path: location, reason: "cannot reach the PostgreSQL server (\(underlying))")
        case .authMechanismRequiresPassword:
            return .unreadable(path: location, reason: "the server asks for a password, and $\(passwordVariable) is not set")
        case .sslUnsupported:
            return .unreadable(path: location, reason: "the server does not offer TLS, and the URL asks for it (sslmode)")
        default:
            return .database("\(error.code)" + (error.underlying.map { ": \($0)" } ?? ""))
        }
    }
}
