import Foundation
import Glibc

/// Writes a file whole or not at all: a temporary file in the destination's folder, flushed,
/// then renamed over the destination, so a reader sees the old file or the new one, never half
/// (`plan --out`, `report --output`).
enum AtomicFile {
    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    /// `what` names the file in errors: "cannot write the report to PATH: ...".
    static func write(_ bytes: [UInt8], to path: String, what: String) throws(WriteError) {
        let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        let folder = (absolute as NSString).deletingLastPathComponent
        let temporary = (folder as NSString).appendingPathComponent(".\((absolute as NSString).lastPathComponent).\(getpid()).tmp")
        func failure(_ step: String, _ code: Int32) -> WriteError {
            var hint = ""
            switch code {
            case ENOENT: hint = " (does the folder \(folder) exist?)"
            case EACCES, EPERM, EROFS: hint = " (monitor needs write access to \(folder))"
            case EISDIR: hint = " (it is a folder; give a file name)"
            default: break
            }
            return WriteError(description: "cannot write \(what) to \(path): \(step): \(String(cString: strerror(code)))\(hint)")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create a temporary file in its folder", errno) }
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw failure("writing failed", code)
            }
            written += result
        }
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlink(temporary)
            throw failure("flushing to disk failed", code)
        }
        close(fd)
        if rename(temporary, absolute) != 0 {
            let code = errno
            unlink(temporary)
            throw failure("cannot rename the temporary file into place", code)
        }
    }
}
