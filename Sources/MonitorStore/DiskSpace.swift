import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Free space on the file system holding a path, to tell "the disk is full" from other I/O
/// errors: SQLite reports a journal it cannot grow as a plain "disk I/O error".
enum DiskSpace {
    /// Below this, nothing SQLite writes at open (a WAL header, its shared-memory index) fits.
    static let nearlyFull: UInt64 = 256 * 1024

    /// Bytes an unprivileged writer may still use where `path` lives (its folder when the
    /// file does not exist); `nil` when the file system cannot be asked.
    static func available(at path: String) -> UInt64? {
        var info = statvfs()
        let target = FileManager.default.fileExists(atPath: path) ? path : (path as NSString).deletingLastPathComponent
        guard statvfs(target.isEmpty ? "." : target, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    static func isFull(at path: String) -> Bool {
        available(at: path).map { $0 < nearlyFull } ?? false
    }

    static func freeDescription(at path: String) -> String {
        guard let bytes = available(at: path) else { return "unknown" }
        return bytes < 1024 ? "\(bytes) bytes" : "\(bytes / 1024) KiB"
    }
}
