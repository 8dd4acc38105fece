import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a file whole or not at all — the one writer for `STATUS.json` (`monitor seal`), saved
/// plans and reports: a temporary file in the destination's folder (`.<name>.<pid>.<random>.tmp`,
/// so that a reader listing the folder can tell it), flushed, renamed over the destination, then
/// the folder flushed so that the rename itself survives a crash. A reader sees the old file or
/// the new one, never half of one.
public enum AtomicFile {
    /// Which step failed and the `errno` it failed with.
    public struct Failure: Error, Sendable, Equatable {
        public let path: String
        public let step: String
        public let code: Int32

        /// `strerror` of the code, e.g. `Permission denied`.
        public var reason: String { String(cString: strerror(code)) }

        /// "cannot write the report to PATH: writing failed: No space left on device", with a hint
        /// when the cause is one an operator fixes.
        public func message(what: String) -> String {
            let folder = (path as NSString).deletingLastPathComponent
            var hint = ""
            switch code {
            case ENOENT: hint = " (does the folder \(folder) exist?)"
            case EACCES, EPERM, EROFS: hint = " (monitor needs write access to \(folder))"
            case EISDIR: hint = " (it is a folder; give a file name)"
            case ENOSPC, EDQUOT: hint = " (the disk holding \(folder) is full)"
            default: break
            }
            return "cannot write \(what) to \(path): \(step): \(reason)\(hint)"
        }
    }

    /// The temporary names ``write(_:to:)`` uses for the file `name`: those a lister passes over.
    public static func isTemporary(_ entry: String, for name: String) -> Bool {
        entry.hasPrefix(".\(name).") && entry.hasSuffix(".tmp")
    }

    /// Writes `bytes` to `path` (relative to the working folder when not absolute).
    public static func write(_ bytes: some ContiguousBytes, to path: String) throws(Failure) {
        let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        let folder = (absolute as NSString).deletingLastPathComponent
        let name = (absolute as NSString).lastPathComponent
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let temporary = (folder as NSString).appendingPathComponent(".\(name).\(getpid()).\(random).tmp")
        func failure(_ step: String, _ code: Int32) -> Failure { Failure(path: path, step: step, code: code) }

        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create a temporary file in its folder", errno) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        let writeError = bytes.withUnsafeBytes { FileDescriptor.writeAll(fd, $0) }
        if let writeError {
            close(fd)
            throw failure("writing failed", writeError)
        }
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            throw failure("flushing to disk failed", code)
        }
        close(fd)
        guard rename(temporary, absolute) == 0 else { throw failure("cannot rename the temporary file into place", errno) }
        renamed = true
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }
}
