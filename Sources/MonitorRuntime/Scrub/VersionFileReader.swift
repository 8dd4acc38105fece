import MonitorCore

#if canImport(Glibc)
    import Glibc
#endif

/// Reads one file of a kept version to its end and hashes it, for the scrub.
///
/// The file is opened one path component at a time without following symbolic links (a version
/// folder holds only what promotion put there), and read by this thread while ``ChunkHasher``
/// hashes the previous chunk on another, so the scrub runs at the speed of SHA-256 itself.
struct VersionFileReader {
    let hasher: ChunkHasher
    let stop: ScrubStop

    enum Outcome: Equatable {
        case observed(ScrubObservation)
        /// A temporary fault of this host (too many open files…): nothing is judged, the file is
        /// read again later.
        case retry(String)
        /// ``ScrubStop`` was raised while reading.
        case stopped
    }

    /// Reads `path` under the open version folder `folder`; `bytes` grows by what was read.
    func read(_ path: String, in folder: Int32, bytes: inout Int64) -> Outcome {
        let parts = path.split(separator: "/").map(String.init)
        var parent = folder
        defer { if parent != folder { close(parent) } }
        for (index, part) in parts.dropLast().enumerated() {
            let next = openat(parent, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else {
                let code = errno
                let shown = parts.prefix(index + 1).joined(separator: "/")
                switch code {
                case ENOENT: return .observed(.missing)
                case ELOOP, ENOTDIR: return .observed(.notRegularFile("\(shown) is not a folder (a symbolic link or a file)"))
                default: return failure(code)
                }
            }
            if parent != folder { close(parent) }
            parent = next
        }
        let fd = openat(parent, parts.last ?? path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT: return .observed(.missing)
            case ELOOP: return .observed(.notRegularFile("a symbolic link"))
            default: return failure(code)
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return failure(errno) }
        guard SystemCall.isRegularFile(info) else {
            return .observed(.notRegularFile(SystemCall.isFolder(info) ? "a folder" : "not a regular file"))
        }
        _ = fcntl(fd, F_SETFL, O_RDONLY)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        var size: Int64 = 0
        while true {
            if stop.isRaised {
                hasher.reset()
                return .stopped
            }
            let buffer = hasher.nextBuffer()
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                hasher.reset()
                return failure(code)
            }
            if count == 0 { break }
            hasher.submit(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            size += Int64(count)
            bytes += Int64(count)
        }
        return .observed(.read(size: size, sha256: hasher.finish()))
    }

    /// An `errno` as what the scrub does with it: a temporary fault of this host is retried later;
    /// anything else (permission denied, an I/O error of a failing disk…) makes the file unreadable.
    private func failure(_ code: Int32) -> Outcome {
        let reason = String(cString: strerror(code))
        if code == EIO { return .observed(.unreadable("\(reason): the disk may be failing")) }
        return IOFault.isTransient(code) ? .retry(reason) : .observed(.unreadable(reason))
    }
}
