import Foundation
import MonitorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tells a state that a running daemon uses from one that no daemon uses (SPEC §7), with an
/// advisory `flock` on `<state>.lock` beside the state file.
///
/// `monitor run` holds it shared for as long as it runs; a scan simulated at a time later than
/// the real clock takes it exclusively for its duration. So such a simulation cannot write
/// occurrences from the future into a ledger a daemon is watching (they would never be
/// revisited), and a daemon cannot start in the middle of one. The kernel drops the lock when
/// its process ends, however it ends, so a killed daemon never leaves a stale lock behind.
/// A separate file, not the database itself: on some network file systems `flock` is emulated
/// with the byte-range locks SQLite uses, and the two would collide.
public final class StateLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// The lock file of the state at `statePath`.
    public static func path(forState statePath: String) -> String {
        statePath + ".lock"
    }

    /// Taken by `monitor run` (shared: several daemons may watch one state, as before).
    /// `nil` when the lock file cannot be made (a read-only folder): the daemon then runs unlocked.
    public static func daemon(statePath: String) throws(StoreError) -> StateLock? {
        // A PostgreSQL state has no file to lock beside it; agents coordinate in the database.
        guard !PostgresLocation.isPostgres(statePath), let descriptor = openLockFile(statePath) else { return nil }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else {
            close(descriptor)
            throw .locked(
                path: statePath, reason: "a scan simulated in the future (monitor scan --now) is using it; start monitor run when it has finished")
        }
        return StateLock(descriptor: descriptor)
    }

    /// Taken by `monitor scan --now T` with `T` later than the real clock: refused while a
    /// daemon uses the state. `nil` when no lock file can exist there (no daemon can hold one).
    public static func simulation(statePath: String, now: Date) throws(StoreError) -> StateLock? {
        guard !PostgresLocation.isPostgres(statePath), let descriptor = openLockFile(statePath) else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw .locked(
                path: statePath,
                reason: "monitor run is using it, and a scan at \(Timestamp.string(now)), later than the real clock, "
                    + "would write occurrences from the future into the ledger it watches; simulate on a copy of the state instead")
        }
        return StateLock(descriptor: descriptor)
    }

    private static func openLockFile(_ statePath: String) -> Int32? {
        let descriptor = open(path(forState: statePath), O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        return descriptor >= 0 ? descriptor : nil
    }
}
