import Foundation
import GRDB
import MonitorCore

#if canImport(Glibc)
    import Glibc
#endif

/// The state database: applied configuration revisions, the run ledger, promoted versions and
/// the notification outbox. One value wraps the database — an SQLite file through GRDB, or a
/// PostgreSQL database shared by several hosts — and every access goes through its `read` and
/// `write` transactions, whose SQL is the same for both.
public struct StateStore: Sendable {
    enum Backend: Sendable {
        case sqlite(any DatabaseWriter)
        case postgres(PostgresPool)
    }

    let backend: Backend
    /// Where the state lives, for messages: a file's path, or a PostgreSQL URL (never with a password).
    public let path: String

    /// Whether the state is a PostgreSQL database (agents, heartbeats and UNKNOWN exist only there).
    public var isShared: Bool {
        if case .postgres = backend { true } else { false }
    }

    init(writer: any DatabaseWriter, path: String) {
        self.backend = .sqlite(writer)
        self.path = path
    }

    init(pool: PostgresPool) {
        self.backend = .postgres(pool)
        self.path = pool.location.description
    }

    /// How long a writer waits for another process's write lock before failing. `apply` and a
    /// running daemon share the file; neither should ever fail on a lock held for a moment.
    public static let busyTimeout: TimeInterval = 15

    /// Opens the state at `path`: a file, or a `postgres://` URL whose password is read from the
    /// environment variable `passwordVariable`. With `create`, makes the file and its folder (or
    /// the schema in an empty database) when missing; without, a missing state is an error.
    public static func open(path: String, create: Bool, passwordVariable: String = defaultPasswordVariable) throws(StoreError) -> StateStore {
        if PostgresLocation.isPostgres(path) {
            return try openPostgres(path, create: create, passwordVariable: passwordVariable)
        }
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            guard create else { throw .missing(path: path) }
            let folder = (path as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            if !folder.isEmpty, manager.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw .cannotCreateFolder(path: folder, reason: "it is a file, not a folder")
            }
            if !folder.isEmpty, !manager.fileExists(atPath: folder) {
                do { try manager.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                    throw .cannotCreateFolder(path: folder, reason: Self.reason(error))
                }
            }
            guard manager.isWritableFile(atPath: folder.isEmpty ? "." : folder) else {
                throw .cannotCreateFolder(path: folder, reason: "permission denied")
            }
        } else {
            try checkHeader(path: path, create: create)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "monitor-state"
        // WAL with synchronous=NORMAL: a commit survives a crash of monitor; only a power loss
        // can lose the last commits, never corrupt the file. A scan commits once per job, and
        // FULL would fsync 10,000 times per scan.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            if DiskSpace.isFull(at: path) { throw diskFull(path) }
            if access(path, W_OK) != 0, errno == EROFS {
                throw .unreadable(
                    path: path,
                    reason: "it is on a read-only file system, and this command writes to the state "
                        + "(monitor status, report and plan can read it there)")
            }
            throw .unreadable(path: path, reason: Self.reason(error))
        }
        let store = StateStore(writer: pool, path: path)
        try store.prepare()
        return store
    }

    /// A SQLite file starts with a fixed 16-byte header; anything else is refused before
    /// SQLite sees it, so a mistyped `--state` never turns a random file into a database.
    static func checkHeader(path: String, create: Bool) throws(StoreError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        // An empty file: `apply` makes it a database; anything else would watch nothing and look healthy.
        if header.isEmpty {
            guard create else { throw .notAStateFile(path: path, reason: "it is empty; only `monitor apply` creates a state") }
            return
        }
        guard header == Data("SQLite format 3\0".utf8) else {
            throw .notAStateFile(path: path, reason: "it is not an SQLite database")
        }
    }

    /// Refuses foreign or newer databases, then brings the schema up to date.
    private func prepare() throws(StoreError) {
        let migrator = Migrations.migrator
        do {
            guard case .sqlite(let writer) = backend else { return }
            try writer.write { db in
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
                if applicationID != Migrations.applicationID && (applicationID != 0 || tables > 0) {
                    throw StoreError.notAStateFile(path: path, reason: "it is an SQLite database of another program")
                }
                if tables > 0 {
                    let unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
                    if !unknown.isEmpty { throw StoreError.newerSchema(path: path, unknown: unknown.sorted()) }
                }
            }
            try migrator.migrate(writer)
            try write { db in try Self.fillMeta(db) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// What every state holds besides its schema: its identity, and the names its columns may hold.
    static func fillMeta(_ db: any SQLConnection) throws {
        try db.execute(
            sql: "INSERT INTO meta (key, value) VALUES ('state_id', ?), ('created_at', ?) ON CONFLICT DO NOTHING",
            arguments: [UUID().uuidString.lowercased(), Timestamp.string(Date())])
        try Vocabulary.fill(db)
    }

    static func classify(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let postgres = PostgresErrors.classify(error, location: path) { return postgres }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB: return .notAStateFile(path: path, reason: "the file is not a database or is corrupt")
            case .SQLITE_CORRUPT: return .unreadable(path: path, reason: "the database is corrupt; restore it from a backup")
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path)
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
                return .unreadable(path: path, reason: "permission denied or read-only file system (\(error.message ?? "\(error.resultCode)"))")
            case .SQLITE_FULL: return .database("the disk is full; free space where the state lives (\(path))")
            case .SQLITE_IOERR where DiskSpace.isFull(at: path): return diskFull(path)
            default: return .database(error.message ?? "\(error)")
            }
        }
        return .database(reason(error))
    }

    /// SQLite says only "disk I/O error" when it cannot grow its journal files on a full disk.
    static func diskFull(_ path: String) -> StoreError {
        .database("the disk holding the state \(path) is full (\(DiskSpace.freeDescription(at: path)) free); free space there and try again")
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        if let error = error as? CocoaError, let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return POSIXError(code).localizedDescription.lowercased()
        }
        return (error as NSError).localizedDescription
    }

    /// Runs `body` in a read transaction (one snapshot of the state), mapping database errors to `StoreError`.
    func read<T>(_ body: (any SQLConnection) throws -> T) throws(StoreError) -> T {
        do {
            switch backend {
            case .sqlite(let writer): return try writer.read { db in try body(SQLiteConnection(db)) }
            case .postgres(let pool): return try pool.transaction(writing: false, body)
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// Runs `body` in a write transaction that takes the state's write lock up front (SQLite's
    /// IMMEDIATE; PostgreSQL's advisory lock), so a concurrent writer waits (busy timeout)
    /// instead of failing half-way.
    func write<T>(_ body: (any SQLConnection) throws -> T) throws(StoreError) -> T {
        do {
            switch backend {
            case .sqlite(let writer):
                return try writer.writeWithoutTransaction { db in
                    var result: T?
                    try db.inTransaction(.immediate) {
                        result = try body(SQLiteConnection(db))
                        return .commit
                    }
                    return result!
                }
            case .postgres(let pool):
                return try pool.transaction(writing: true, body)
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// The identity of this state file, created with it; saved plans carry it.
    public func stateID() throws(StoreError) -> String {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'state_id'") ?? "" }
    }
}
