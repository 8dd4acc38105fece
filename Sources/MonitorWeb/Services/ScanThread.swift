import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The thread scans run on: one thread of their own, at a lower CPU priority (nice +10), so
/// that a long scan hashing files or writing the ledger never delays the daemon's HTTP answers
/// (pings above all, which producers wait on) on a machine with few cores. Scans are already
/// one at a time (`ScanQueue`); this thread runs what it is given in order. Started on first use.
final class ScanThread: Sendable {
    /// The one scan thread of the process (a daemon has one scan coordinator; tests that build
    /// several share it, one scan after another).
    static let shared = ScanThread()

    private let work = Mutex<(jobs: [@Sendable () -> Void], started: Bool)>(([], false))
    private let ready = DispatchSemaphore(value: 0)
    /// The nice value the thread takes (Linux gives each thread its own).
    static let niceness: Int32 = 10

    /// Runs `body` on the scan thread and returns what it returns.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let start = work.withLock { state -> Bool in
                state.jobs.append { continuation.resume(returning: body()) }
                defer { state.started = true }
                return !state.started
            }
            if start {
                let thread = Thread { [self] in loop() }
                thread.name = "monitor-scan"
                thread.start()
            }
            ready.signal()
        }
    }

    private func loop() {
        #if canImport(Glibc)
            // On Linux `who` 0 is the calling thread only (each thread has its own nice value);
            // lowering one's own priority needs no privilege. The thread keeps it for its life.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
        #endif
        while true {
            ready.wait()
            let job = work.withLock { state in state.jobs.isEmpty ? nil : state.jobs.removeFirst() }
            job?()
        }
    }
}
