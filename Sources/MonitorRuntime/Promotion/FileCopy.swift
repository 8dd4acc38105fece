import MonitorCore

#if canImport(Glibc)
    import Glibc
#endif

/// Copies (or clones) one staged file into the version being built, hashing the copy chunk by
/// chunk as it is made (no byte is copied into this process but where the kernel cannot copy),
/// and checks it against what `STATUS.json` says.
struct FileCopy {
    let file: StatusReport.File
    let hasher: ChunkHasher
    /// For the hints in messages ("free space on the disk holding ...").
    let jobFolder: String
    /// Give the copy mode 0444 (`promote: link_unchanged`) instead of the source's permission bits.
    var readOnly = false
    /// Flush the copy as soon as it is written; false in a batch of promotions, whose files are
    /// flushed all at once (``Promoter/promote(_:logger:now:)``).
    var flushesNow = true

    /// Bytes copied since the last hint to the kernel to start writing them back, so that the
    /// final `fsync` of a large file has little left to wait for.
    private static let writebackStep = 16 << 20
    /// Bytes copied by the kernel, or hashed through one memory map, at a time.
    private static let chunkSize = 8 << 20

    private var source: String { "\(VersionName.stagingFolder)/\(file.path)" }
    /// Whether there is a SHA-256 to check; without one the copy is not hashed at all.
    private var isVerified: Bool { file.sha256 != nil }

    /// Copies `staging/<path>` to `<path>` in `tree`, flushed (unless ``flushesNow`` is off) and
    /// with the source's permission bits and modification time.
    ///
    /// - Returns: the number of bytes copied.
    func copy(from staging: Int32, into tree: VersionTree) throws(PromotionFailure) -> Int64 {
        do {
            let (input, before) = try openChecked(in: staging)
            defer { close(input) }
            let destination = "\(tree.label)/\(file.path)"
            let (folder, name) = try tree.parent(of: file.path)
            let output = try SystemCall.open(
                at: folder, name, flags: O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW,
                mode: 0o600, operation: "create", path: destination)
            defer { close(output) }
            _ = posix_fadvise(input, 0, 0, POSIX_FADV_SEQUENTIAL)

            let (count, digest) = try transfer(from: input, to: output, destination: destination)
            try finish(output, like: before, destination: destination)
            try check(count: count, digest: digest, before: before, after: SystemCall.status(of: input, path: source))
            return count
        } catch let error as SystemCallError {
            throw PromotionFailure(error, jobFolder: jobFolder)
        } catch let error as PromotionFailure {
            throw error
        } catch {
            throw PromotionFailure.failed("\(source): \(error)")
        }
    }

    /// Reads `staging/<path>` through the hasher without copying it, and checks it against what
    /// `STATUS.json` says, as ``copy(from:into:)`` does. The SHA-256 is computed whether or not
    /// one was declared: it is what tells an unchanged file (`link_unchanged`), and what a
    /// version verified in place (`none`) is recorded with.
    ///
    /// - Returns: the size read and the lower-case hex SHA-256.
    func hash(from staging: Int32) throws(PromotionFailure) -> (size: Int64, sha256: String) {
        do {
            let (input, before) = try openChecked(in: staging)
            defer { close(input) }
            _ = posix_fadvise(input, 0, 0, POSIX_FADV_SEQUENTIAL)
            let total = try hashAll(input, path: source)
            let digest = hasher.finish()
            try check(count: total, digest: digest, before: before, after: SystemCall.status(of: input, path: source), reading: true)
            return (total, digest)
        } catch let error as SystemCallError {
            throw PromotionFailure(error, jobFolder: jobFolder)
        } catch let error as PromotionFailure {
            throw error
        } catch {
            throw PromotionFailure.failed("\(source): \(error)")
        }
    }

    /// Opens the source one path component at a time without following symbolic links, so a
    /// file or folder swapped for a link after the status file was checked is refused, not followed.
    private func openSource(in staging: Int32) throws(SystemCallError) -> Int32 {
        let parts = file.path.split(separator: "/").map(String.init)
        var folder = staging
        defer { if folder != staging { close(folder) } }
        for part in parts.dropLast() {
            let next = try SystemCall.openFolder(at: folder, part, path: source)
            if folder != staging { close(folder) }
            folder = next
        }
        // O_NONBLOCK: a FIFO swapped in must not block the scan waiting for a writer.
        let input = try SystemCall.open(at: folder, parts.last ?? file.path, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK, path: source)
        _ = fcntl(input, F_SETFL, O_RDONLY)
        return input
    }

    /// The copy. Where the file system can clone (XFS with reflink, btrfs), the copy shares the
    /// source's blocks; elsewhere the kernel copies each chunk from page cache to page cache
    /// (`copy_file_range(2)`, no trip through user memory). Either way the hasher then reads the
    /// chunk *of the copy* through a memory map, on its own thread while the next chunk is copied:
    /// the hash is that of the bytes in the version itself, and no byte is copied into this
    /// process. Where the kernel cannot copy between the two files, each chunk is read from
    /// staging into a buffer, handed to the hasher, and written from that same buffer while it is
    /// hashed: the bytes written are the bytes hashed.
    private func transfer(from input: Int32, to output: Int32, destination: String) throws(SystemCallError) -> (Int64, String) {
        switch KernelCalls.clone(from: input, to: output) {
        case .success:
            let size = Int64(try SystemCall.status(of: output, path: destination).st_size)
            guard isVerified else { return (size, "") }
            do throws(SystemCallError) {
                try hashCopy(output, from: 0, count: size, path: destination)
            } catch {
                hasher.reset()
                throw error
            }
            return (size, hasher.finish())
        case .failure(let error):
            let full = [ENOSPC, EFBIG, EDQUOT].contains(error.code)
            throw SystemCallError(operation: full ? "write" : "clone", path: full ? destination : source, code: error.code)
        case nil:
            break
        }
        var total: Int64 = 0
        var unflushed = 0
        var inKernel = true
        do throws(SystemCallError) {
            while true {
                var count = 0
                if inKernel {
                    switch KernelCalls.copy(from: input, to: output, count: Self.chunkSize) {
                    case .success(let copied):
                        count = copied
                        // Without a SHA-256 to check (verify: none) nothing is hashed.
                        if count > 0 && isVerified { try hashCopy(output, from: total, count: Int64(count), path: destination) }
                    case .failure(let error):
                        // ENOSPC, EFBIG, EDQUOT are about the copy's side; anything else could be either.
                        let full = [ENOSPC, EFBIG, EDQUOT].contains(error.code)
                        throw SystemCallError(operation: full ? "write" : "copy", path: full ? destination : source, code: error.code)
                    case nil:
                        // Both files' offsets are where the kernel stopped: carry on by hand from there.
                        inKernel = false
                    }
                }
                if !inKernel {
                    let buffer = hasher.nextBuffer()
                    count = try SystemCall.read(input, into: buffer, path: source)
                    if count > 0 {
                        let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
                        if isVerified { hasher.submit(chunk) }
                        try SystemCall.writeAll(output, chunk, path: destination)
                    }
                }
                if count == 0 { break }
                total += Int64(count)
                unflushed += count
                if unflushed >= Self.writebackStep {
                    KernelCalls.startWriteback(output, offset: total - Int64(unflushed), length: unflushed)
                    unflushed = 0
                }
            }
        } catch {
            hasher.reset()
            throw error
        }
        return (total, isVerified ? hasher.finish() : "")
    }

    /// Hands `count` bytes of the copy from `offset` to the hasher: through a memory map where
    /// the file can be mapped, read back into the hasher's buffers otherwise.
    private func hashCopy(_ output: Int32, from offset: Int64, count: Int64, path: String) throws(SystemCallError) {
        var done: Int64 = 0
        while done < count {
            let length = Int(min(Int64(Self.chunkSize), count - done))
            if let (mapping, skip) = KernelCalls.map(output, offset: offset + done, count: length) {
                hasher.submit(UnsafeRawBufferPointer(rebasing: mapping[skip..<(skip + length)]), unmapping: mapping)
                done += Int64(length)
                continue
            }
            let buffer = hasher.nextBuffer()
            let piece = min(buffer.count, length)
            try SystemCall.read(output, at: offset + done, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<piece]), path: path)
            hasher.submit(UnsafeRawBufferPointer(rebasing: buffer[..<piece]))
            done += Int64(piece)
        }
    }

    /// Reads `fd` from its current offset to its end through the hasher; the caller finishes the hash.
    ///
    /// - Returns: the bytes read.
    private func hashAll(_ fd: Int32, path: String, operation: String = "read") throws(SystemCallError) -> Int64 {
        var total: Int64 = 0
        do throws(SystemCallError) {
            while true {
                let buffer = hasher.nextBuffer()
                let count: Int
                do throws(SystemCallError) {
                    count = try SystemCall.read(fd, into: buffer, path: path)
                } catch {
                    throw SystemCallError(operation: operation, path: path, code: error.code)
                }
                if count == 0 { break }
                hasher.submit(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                total += Int64(count)
            }
        } catch {
            hasher.reset()
            throw error
        }
        return total
    }

    /// Gives the copy the source's permission bits (not its owner, nor set-id bits) and times, then flushes it (``flushesNow``).
    private func finish(_ output: Int32, like source: stat, destination: String) throws(SystemCallError) {
        guard fchmod(output, readOnly ? 0o444 : source.st_mode & 0o777) == 0 else {
            throw SystemCallError(operation: "set the permissions of", path: destination, code: errno)
        }
        var times = [source.st_atim, source.st_mtim]
        _ = futimens(output, &times)
        // In a batch the whole file system is flushed once, before any version is renamed into place.
        if flushesNow { try SystemCall.flush(output, path: destination) }
    }

    /// Opens `staging/<path>` (``openSource(in:)``) and checks that it is a regular file of the
    /// size `STATUS.json` declares; the caller closes the descriptor.
    private func openChecked(in staging: Int32) throws -> (Int32, stat) {
        let input = try openSource(in: staging)
        do {
            let before = try SystemCall.status(of: input, path: source)
            guard SystemCall.isRegularFile(before) else {
                throw PromotionFailure.failed("\(source) is not a regular file; only regular files are promoted")
            }
            if let size = file.size, size != Int64(before.st_size) {
                throw PromotionFailure.mismatch("\(source) is \(before.st_size) bytes, STATUS.json says \(size)")
            }
            return (input, before)
        } catch {
            close(input)
            throw error
        }
    }

    /// Checks what was copied (or, `reading`, only read and hashed) against `STATUS.json`, and,
    /// without a declared hash, that the source did not change meanwhile.
    private func check(count: Int64, digest: String, before: stat, after: stat, reading: Bool = false) throws(PromotionFailure) {
        if let size = file.size, count != size {
            throw .mismatch(
                "\(source): \(reading ? "read" : "copied") \(count) bytes, STATUS.json says \(size) \(reading ? "(the file changed while it was read)" : "(the file changed during the copy)")"
            )
        }
        if let expected = file.sha256 {
            if digest != expected.lowercased() {
                throw .mismatch("\(source): SHA-256 is \(digest), STATUS.json says \(expected)")
            }
            // The hash proves the copy is exactly the declared content, whatever happened to the source.
            return
        }
        if count != Int64(before.st_size) || after.st_size != before.st_size
            || after.st_mtim.tv_sec != before.st_mtim.tv_sec || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec
        {
            throw .failed(
                "\(source) changed while it was being \(reading ? "read" : "copied") — the producer must write STATUS.json last, after its files")
        }
    }
}
