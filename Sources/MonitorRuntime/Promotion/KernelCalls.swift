#if canImport(Glibc)
    import Glibc
#endif

/// Two Linux calls that make copies cheaper, looked up at run time: they are GNU extensions
/// that the Swift Glibc module does not import. Where one is missing, promotion does without it.
enum KernelCalls {
    private typealias CopyFileRange = @convention(c) (Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32) -> Int
    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32

    // A nil handle is RTLD_DEFAULT: search the libraries already loaded (the C library).
    private static let copyFileRange: CopyFileRange? = dlsym(nil, "copy_file_range").map { unsafeBitCast($0, to: CopyFileRange.self) }
    private static let syncFileRange: SyncFileRange? = dlsym(nil, "sync_file_range").map { unsafeBitCast($0, to: SyncFileRange.self) }

    /// `SYNC_FILE_RANGE_WRITE` from `<fcntl.h>`: start write-out of dirty pages, do not wait.
    private static let startWrite: UInt32 = 2

    /// Asks the kernel to start writing a range of a file to disk now, without waiting for it, so
    /// that the final `fsync` of a large file finds most of it already on disk.
    static func startWriteback(_ fd: Int32, offset: Int64, length: Int) {
        _ = syncFileRange?(fd, offset, Int64(length), startWrite)
    }

    /// Copies up to `count` bytes from `input` to `output` at their current offsets inside the
    /// kernel (`copy_file_range(2)`): no trip through user memory, a clone on file systems that
    /// share extents, a server-side copy on NFS 4.2.
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

    struct Errno: Error {
        let code: Int32
    }
}
