import Foundation
import MonitorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension StatusFileWriter {
    /// Every regular file under `folder`, recursively, sorted by path (byte order), with its size
    /// and SHA-256 (streamed). Skips the top-level `STATUS.json` and seal's temporary files;
    /// refuses symbolic links, FIFOs, sockets and devices, and names a status file cannot carry.
    public static func listFiles(in folder: String) throws(SealError) -> [StatusReport.File] {
        var paths: [String] = []
        try collect(folder: folder, relative: "", into: &paths)
        paths.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var files: [StatusReport.File] = []
        for path in paths {
            do throws(FileSHA256.Failure) {
                let (sha256, size) = try FileSHA256.ofFile(at: folder + "/" + path)
                files.append(StatusReport.File(path: path, size: size, sha256: sha256))
            } catch {
                throw .unreadable(path: display(folder, path), reason: error.reason)
            }
        }
        return files
    }

    /// Whether `name`, at the top of the folder, is the status file or one of seal's temporary files.
    static func isOwnFile(_ name: String) -> Bool {
        name == StatusPath.statusFileName || AtomicFile.isTemporary(name, for: StatusPath.statusFileName)
    }

    private static func collect(folder root: String, relative: String, into paths: inout [String]) throws(SealError) {
        let here = relative.isEmpty ? root : root + "/" + relative
        guard let stream = opendir(here) else {
            let code = errno
            if code == ENOTDIR || code == ENOENT, relative.isEmpty { throw .notAFolder(root) }
            throw .unreadable(path: here, reason: FileSHA256.describe(code))
        }
        defer { closedir(stream) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw .unreadable(path: here, reason: FileSHA256.describe(errno)) }
                break
            }
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            guard let name = String(validating: bytes, as: UTF8.self) else {
                let shown = String(decoding: bytes, as: UTF8.self)
                throw .unlistableName(
                    path: display(root, relative.isEmpty ? shown : relative + "/" + shown),
                    reason: "has a name that is not valid UTF-8, which JSON cannot carry")
            }
            if relative.isEmpty, isOwnFile(name) { continue }
            names.append(name)
        }
        for name in names {
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(root + "/" + path, &info) == 0 else {
                let code = errno
                if code == ENOENT { continue }  // Gone since readdir: it is not part of the backup.
                throw .unreadable(path: display(root, path), reason: FileSHA256.describe(code))
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try collect(folder: root, relative: path, into: &paths)
            case S_IFREG:
                if let problem = StatusPath.problem(with: path) {
                    throw .unlistableName(path: display(root, path), reason: problem)
                }
                paths.append(path)
            case S_IFLNK:
                throw .symbolicLink(display(root, path))
            default:
                throw .notRegularFile(display(root, path))
            }
        }
    }

    /// `folder/path` as the operator typed the folder; a path with control characters is quoted
    /// and escaped so that printing it cannot garble the terminal.
    static func display(_ folder: String, _ path: String) -> String {
        let shown = path.unicodeScalars.contains(where: SafeText.isUnsafe) ? SafeText.quoted(path, limit: 256) : path
        return folder.hasSuffix("/") ? folder + shown : folder + "/" + shown
    }
}
