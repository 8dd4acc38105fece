#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one classification of I/O errors that the scanner acts on (SPEC §3, §5).
///
/// A *temporary* fault belongs to this host at this moment — too many open files, no memory,
/// an interrupted or would-block call, an I/O error of a disk or network mount that may clear.
/// It says nothing about the backup, so it is never judged: the file is read again at the next
/// scan. Every other error (permission denied, not a regular file, no such file…) is a fact
/// about what the producer left or how the operator set things up, and is a verdict.
public enum IOFault {
    /// Whether `code` (an `errno`) is temporary: retry, never judge.
    public static func isTransient(_ code: Int32) -> Bool {
        transientCodes.contains(code)
    }

    private static let transientCodes: Set<Int32> = [EMFILE, ENFILE, EIO, EINTR, ENOMEM, EAGAIN, EWOULDBLOCK, ENOBUFS, ETIMEDOUT, ESTALE]
}
