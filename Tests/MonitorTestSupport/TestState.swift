import Foundation

/// Which database the store-level suites run against: SQLite (the default), or a real
/// PostgreSQL when `$MONITOR_TEST_STATE` is `postgres` (`scripts/test` runs those suites both
/// ways). A test asks for a state location instead of naming a file, and gets a file in its
/// temporary folder, or a new empty database of its own on the test server.
public enum TestState {
    public static var isPostgres: Bool { ProcessInfo.processInfo.environment["MONITOR_TEST_STATE"] == "postgres" }
    public static var isSQLite: Bool { !isPostgres }

    /// Where a test's state lives: `file` itself with SQLite; with PostgreSQL, the URL of a new
    /// database (and `$PGPASSWORD` set for this process, which the store reads by default).
    public static func location(_ file: String) throws -> String {
        guard isPostgres else { return file }
        try passwordSet.get()
        return try TestPostgres.shared.makeDatabase().url
    }

    /// `$PGPASSWORD`, set once per process (before any test reads it: `setenv` racing `getenv`
    /// is unsafe): every database of the test server shares the server's password.
    public static let passwordSet: Result<Void, any Error> = Result {
        setenv("PGPASSWORD", try TestPostgres.shared.password, 1)
    }

    /// The engine a suite runs against, for messages and test names.
    public static var name: String { isPostgres ? "PostgreSQL" : "SQLite" }
}
