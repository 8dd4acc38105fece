import Foundation
import GRDB
import MonitorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension StateStore {
    /// Opens an existing state for a command that only reads it (`status`, `report`, `plan`,
    /// `notify test`). Like ``open(path:create:)`` without `create`, except that a state this
    /// process cannot write — on a read-only mount, a snapshot, a file of the daemon's user — is
    /// opened read-only instead of refused, and so is one on a full disk. A missing or empty file
    /// is refused either way.
    public static func openForReading(path: String, passwordVariable: String = defaultPasswordVariable) throws(StoreError) -> StateStore {
        // A PostgreSQL server decides itself what this login may do.
        if PostgresLocation.isPostgres(path) { return try open(path: path, create: false, passwordVariable: passwordVariable) }
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path: path) }
        let folder = (path as NSString).deletingLastPathComponent
        if access(path, W_OK) == 0, access(folder.isEmpty ? "." : folder, W_OK) == 0 {
            do {
                return try open(path: path, create: false)
            } catch {
                // A full disk: what the state holds can still be read, and that is what an operator needs then.
                guard DiskSpace.isFull(at: path) else { throw error }
            }
        }
        try checkHeader(path: path, create: false)
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "monitor-state"
        func attempt(_ target: String) throws -> DatabaseQueue {
            let queue = try DatabaseQueue(path: target, configuration: configuration)
            try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return queue
        }
        let queue: DatabaseQueue
        do {
            queue = try attempt(path)
        } catch {
            // SQLite opens a WAL database read-only only where it can create the shared-memory
            // file beside it, which a read-only mount forbids; unless told the file is immutable,
            // which holds there: nothing on this host can write it.
            do { queue = try attempt(immutableURI(path)) } catch { throw classify(error, path: path) }
        }
        let store = StateStore(writer: queue, path: path)
        try store.checkSchemaForReading()
        return store
    }

    /// A read-only state cannot be migrated: refuse a foreign, newer or older schema up front
    /// rather than fail on a missing column later.
    private func checkSchemaForReading() throws(StoreError) {
        let migrator = Migrations.migrator
        let path = path
        guard case .sqlite(let writer) = backend else { return }
        do {
            try writer.read { db in
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                guard applicationID == Migrations.applicationID else {
                    throw StoreError.notAStateFile(path: path, reason: "it is an SQLite database of another program")
                }
                let applied = try migrator.appliedIdentifiers(db)
                let unknown = applied.subtracting(migrator.migrations)
                if !unknown.isEmpty { throw StoreError.newerSchema(path: path, unknown: unknown.sorted()) }
                guard Set(migrator.migrations).isSubset(of: applied) else {
                    throw StoreError.unreadable(
                        path: path,
                        reason: "it was written by an older monitor and needs a schema upgrade, which needs "
                            + "write access; run `monitor scan` once where the state is writable, then read it here")
                }
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// An SQLite URI for `path` with `immutable=1` (this SQLite interprets `file:` names as URIs).
    private static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path) + "?immutable=1"
    }
}
