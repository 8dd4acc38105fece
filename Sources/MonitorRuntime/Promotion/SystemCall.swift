#if canImport(Glibc)
    import Glibc
#endif

/// A system call that failed: what promotion was doing, on which path, and `errno`.
///
/// `path` is relative to the job folder (`staging/dump.sql.gz`, `versions/`), the way an operator
/// reads the layout; ``PromotionFailure`` turns it into a sentence.
struct SystemCallError: Error, Sendable {
    var operation: String
    var path: String
    var code: Int32
}

/// Thin wrappers over the POSIX calls promotion needs: `EINTR` retried, failures thrown as
/// ``SystemCallError``. Descriptors are plain `Int32`s owned by the caller.
enum SystemCall {
    static func open(
        at directory: Int32, _ name: String, flags: Int32, mode: mode_t = 0,
        operation: String = "open", path: String
    ) throws(SystemCallError) -> Int32 {
        while true {
            let fd = openat(directory, name, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw SystemCallError(operation: operation, path: path, code: errno) }
        }
    }

    /// Opens a folder without following a symbolic link in its place.
    static func openFolder(at directory: Int32, _ name: String, path: String) throws(SystemCallError) -> Int32 {
        try open(at: directory, name, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW, path: path)
    }

    static func makeFolder(at directory: Int32, _ name: String, path: String) throws(SystemCallError) {
        if mkdirat(directory, name, 0o755) != 0 && errno != EEXIST {
            throw SystemCallError(operation: "create", path: path, code: errno)
        }
    }

    /// Information about `name` itself (a symbolic link is not followed); nil when it does not exist.
    static func status(at directory: Int32, _ name: String, path: String) throws(SystemCallError) -> stat? {
        var info = stat()
        if fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 { return info }
        if errno == ENOENT { return nil }
        throw SystemCallError(operation: "inspect", path: path, code: errno)
    }

    static func status(of fd: Int32, path: String) throws(SystemCallError) -> stat {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SystemCallError(operation: "inspect", path: path, code: errno) }
        return info
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(SystemCallError) -> Int {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw SystemCallError(operation: "read", path: path, code: errno) }
        }
    }

    /// Fills `buffer` from `fd` at `offset`, across short reads; fails if the file ends first.
    static func read(_ fd: Int32, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(SystemCallError) {
        var filled = 0
        while filled < buffer.count {
            let count = pread(fd, buffer.baseAddress! + filled, buffer.count - filled, Int(offset) + filled)
            if count > 0 {
                filled += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                throw SystemCallError(operation: "read back", path: path, code: count == 0 ? EIO : errno)
            }
        }
    }

    /// Writes every byte of `buffer`, across short writes.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws(SystemCallError) {
        var offset = 0
        while offset < buffer.count {
            let count = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if count > 0 {
                offset += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                // A zero-byte write of a non-empty buffer means no room was left; say so rather than loop.
                throw SystemCallError(operation: "write", path: path, code: count == 0 ? ENOSPC : errno)
            }
        }
    }

    /// Flushes a file or folder to disk. `EINVAL` means the file system has nothing to flush
    /// (some special file systems), which is not a failure.
    static func flush(_ fd: Int32, path: String) throws(SystemCallError) {
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            if errno == EINVAL || errno == EROFS { return }
            throw SystemCallError(operation: "flush to disk", path: path, code: errno)
        }
    }

    static func rename(at directory: Int32, _ from: String, to: String, path: String) throws(SystemCallError) {
        guard renameat(directory, from, directory, to) == 0 else {
            throw SystemCallError(operation: "rename", path: path, code: errno)
        }
    }

    /// The target of the symbolic link `name`, or nil when it is missing or not a link.
    static func linkTarget(at directory: Int32, _ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(directory, name, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The entries of an open folder, without `.` and `..`. The descriptor stays open.
    static func entries(of directory: Int32, path: String) throws(SystemCallError) -> [String] {
        // fdopendir takes ownership of the descriptor it is given, so hand it a duplicate.
        let copy = dup(directory)
        guard copy >= 0 else { throw SystemCallError(operation: "list", path: path, code: errno) }
        guard let stream = fdopendir(copy) else {
            let code = errno
            close(copy)
            throw SystemCallError(operation: "list", path: path, code: code)
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Deletes `name` and, when it is a folder, everything under it, never following a symbolic
    /// link (a link is deleted, not what it points at). A missing `name` is not an error.
    ///
    /// A read-only folder (a version promoted with `link_unchanged` is 0555) is given back its
    /// owner's write permission first, so that a process that is not root can empty it.
    static func removeTree(at directory: Int32, _ name: String, path: String) throws(SystemCallError) {
        if unlinkat(directory, name, 0) == 0 || errno == ENOENT { return }
        // Linux answers EISDIR when asked to unlink a folder (POSIX allows EPERM).
        guard errno == EISDIR || errno == EPERM else { throw SystemCallError(operation: "delete", path: path, code: errno) }
        let folder = try openFolder(at: directory, name, path: path)
        defer { close(folder) }
        let info = try status(of: folder, path: path)
        if info.st_mode & 0o700 != 0o700, fchmod(folder, (info.st_mode & 0o7777) | 0o700) != 0 {
            throw SystemCallError(operation: "make writable", path: path, code: errno)
        }
        for entry in try entries(of: folder, path: path) {
            try removeTree(at: folder, entry, path: "\(path)/\(entry)")
        }
        if unlinkat(directory, name, AT_REMOVEDIR) != 0 && errno != ENOENT {
            throw SystemCallError(operation: "delete", path: path, code: errno)
        }
    }

    static func isFolder(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFDIR }
    static func isRegularFile(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFREG }
    static func isSymbolicLink(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFLNK }
}
