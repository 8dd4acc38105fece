import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Notices that the state file the daemon opened was deleted or replaced under it. SQLite keeps
/// working on an unlinked file, so without this the daemon would go on scanning and writing to
/// a file nobody can see, and `/healthz` would stay green. The file's device and inode are taken
/// when the daemon starts; each scan and health probe compares the path against them.
public final class StateFileWatch: Sendable {
    struct Identity: Equatable, Sendable {
        var device: UInt64
        var inode: UInt64
    }

    public let path: String
    private let original: Identity?
    private let logger: Logger
    /// The problem last logged, so a lasting problem is logged once, not at every probe.
    private let reported: Mutex<String?> = Mutex(nil)

    public init(path: String, logger: Logger) {
        self.path = path
        self.original = Self.identity(of: path)
        self.logger = logger
    }

    /// What is wrong with the state file, in words that say what to do; `nil` while it is the
    /// file the daemon opened. The first time a problem is seen it is logged as an error.
    public func problem() -> String? {
        let problem = Self.problem(original: original, current: Self.identity(of: path), path: path)
        let isNew = reported.withLock { last in
            defer { last = problem }
            return problem != nil && last != problem
        }
        if isNew, let problem {
            logger.error("the state file was removed or replaced; scans are stopped", metadata: ["state": "\(path)", "problem": "\(problem)"])
        }
        return problem
    }

    static func problem(original: Identity?, current: Identity?, path: String) -> String? {
        guard let original else { return nil }
        guard let current else {
            return
                "the state file \(path) was removed while monitor run had it open; scans are stopped so nothing is written to a deleted file — restore the file (or run monitor apply to create a new state) and restart monitor run"
        }
        guard current == original else {
            return
                "the state file \(path) was replaced by another file while monitor run had the old one open; scans are stopped — restart monitor run to use the new file"
        }
        return nil
    }

    static func identity(of path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
