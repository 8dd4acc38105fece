#if canImport(Glibc)
    import Glibc
#endif

/// Linux calls that make copies and flushes cheaper. `copy_file_range(2)`, `sync_file_range(2)` and
/// `syncfs(2)` are GNU extensions that the Swift Glibc module does not import: they are looked up at run time, and
/// where one is missing promotion does without it (or falls back to flushing file by file).
enum KernelCalls {
    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    private typealias SyncFS = @convention(c) (Int32) -> Int32

    // A nil handle is RTLD_DEFAULT: search the libraries already loaded (the C library).
    private static let syncFileRange: SyncFileRange? = dlsym(nil, "sync_file_range").map { unsafeBitCast($0, to: SyncFileRange.self) }
    private static let syncFS: SyncFS? = dlsym(nil, "syncfs").map { unsafeBitCast($0, to: SyncFS.self) }

    /// `SYNC_FILE_RANGE_WRITE` from `<fcntl.h>`: start write-out of dirty pages, do not wait.
    private static let startWrite: UInt32 = 2
    /// `FICLONE` from `<linux/fs.h>`: `_IOW(0x94, 9, int)`.
    private static let ficlone: UInt = 0x4004_9409

    /// Asks the kernel to start writing a range of a file to disk now, without waiting for it, so
    /// that the final flush of a large file finds most of it already on disk.
    static func startWriteback(_ fd: Int32, offset: Int64, length: Int) {
        _ = syncFileRange?(fd, offset, Int64(length), startWrite)
    }

    private typealias CopyFileRange = @convention(c) (Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32) -> Int
    private static let copyFileRange: CopyFileRange? = dlsym(nil, "copy_file_range").map { unsafeBitCast($0, to: CopyFileRange.self) }

    /// Copies up to `count` bytes from `input` to `output` at their current offsets inside the
    /// kernel (`copy_file_range(2)`): page cache to page cache, no trip through user memory.
    ///
    /// - Returns: the bytes copied (0 at the end of the input), or nil when the kernel cannot
    ///   copy between these two files (different file systems, an old kernel, a file system
    ///   without support) — the caller then reads and writes itself.
    static func copy(from input: Int32, to output: Int32, count: Int) -> Result<Int, Errno>? {
        guard let copyFileRange else { return nil }
        while true {
            let copied = copyFileRange(input, nil, output, nil, count, 0)
            if copied >= 0 { return .success(copied) }
            switch errno {
            case EINTR: continue
            case EXDEV, EINVAL, ENOSYS, EOPNOTSUPP, EBADF: return nil
            default: return .failure(Errno(code: errno))
            }
        }
    }

    /// Maps `count` bytes of `fd` from `offset` for reading, their pages loaded at once
    /// (`MAP_POPULATE`): hashing a copy from its page cache without copying it again.
    ///
    /// - Returns: the mapping, starting at `offset` rounded down to a page (the caller skips the
    ///   difference), or nil when the file cannot be mapped (the caller reads it instead).
    static func map(_ fd: Int32, offset: Int64, count: Int) -> (mapping: UnsafeMutableRawBufferPointer, skip: Int)? {
        let page = Int64(sysconf(Int32(_SC_PAGESIZE)))
        let start = offset - offset % page
        let skip = Int(offset - start)
        let length = count + skip
        guard count > 0, let address = mmap(nil, length, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, off_t(start)),
            address != UnsafeMutableRawPointer(bitPattern: -1)
        else { return nil }
        return (UnsafeMutableRawBufferPointer(start: address, count: length), skip)
    }

    /// Makes `output` (empty, just created) share the blocks of all of `input` (`ioctl(FICLONE)`):
    /// no byte is copied, on file systems that share extents (XFS with reflink, btrfs, bcachefs).
    ///
    /// - Returns: `.success` when the file is cloned; a failure that is about the copy (no
    ///   space for the new extent records, an I/O error); nil when this file system or this pair
    ///   of files cannot be cloned (ext4, two file systems, …) — the caller then copies.
    static func clone(from input: Int32, to output: Int32) -> Result<Void, Errno>? {
        while true {
            if ioctl(output, ficlone, input) == 0 { return .success(()) }
            switch errno {
            case EINTR: continue
            case ENOSPC, EDQUOT, EIO, EFBIG, ENOMEM: return .failure(Errno(code: errno))
            // EOPNOTSUPP/ENOTTY: no clone here; EXDEV: two file systems; EINVAL: unaligned or
            // unsupported ranges; EPERM/ETXTBSY/EBADF/EISDIR: not a pair that can share blocks.
            default: return nil
            }
        }
    }

    /// Flushes everything written to the file system holding `fd` (`syncfs(2)`): one flush of a
    /// whole batch of promotions instead of one per file and folder.
    ///
    /// - Returns: nil when done; the error otherwise, with `ENOSYS` when the call is missing.
    static func flushFileSystem(of fd: Int32) -> Int32? {
        guard let syncFS else { return ENOSYS }
        while syncFS(fd) != 0 {
            if errno == EINTR { continue }
            return errno
        }
        return nil
    }

    struct Errno: Error {
        let code: Int32
    }
}
