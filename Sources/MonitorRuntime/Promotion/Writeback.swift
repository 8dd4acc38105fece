#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to start writing a range of a file to disk now, without waiting for it.
///
/// Started as a copy goes, the final `fsync` finds most of the file already on disk instead of
/// flushing it all at the end. `sync_file_range(2)` is a GNU extension that the Swift Glibc
/// module does not import, so it is looked up at run time; where it is missing this does nothing
/// and `fsync` alone still makes the copy durable.
enum Writeback {
    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32

    /// `SYNC_FILE_RANGE_WRITE` from `<fcntl.h>`: start write-out of dirty pages, do not wait.
    private static let startWrite: UInt32 = 2

    private static let syncFileRange: SyncFileRange? = {
        // A nil handle is RTLD_DEFAULT: search the libraries already loaded (the C library).
        guard let symbol = dlsym(nil, "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: SyncFileRange.self)
    }()

    static func start(_ fd: Int32, offset: Int64, length: Int) {
        _ = syncFileRange?(fd, offset, Int64(length), startWrite)
    }
}
