import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SHA-256 of files, streamed in chunks so that a 100 GiB backup needs 1 MiB of memory.
/// Shared by `monitor seal` and the scanner.
public enum FileSHA256 {
    public static let chunkSize = 1 << 20

    /// A file that could not be opened or read.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        /// The `errno` behind the failure, when a system call failed.
        public var code: Int32? = nil
        public var description: String { "cannot read \(path): \(reason)" }
        /// A temporary fault of this host (``IOFault``): read again later, never judged.
        public var isTransient: Bool { code.map(IOFault.isTransient) ?? false }
    }

    /// Lower-case hex of `digest`.
    public static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// Lower-case hex SHA-256 of `data`.
    public static func hex(of data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// The SHA-256 (lower-case hex) and length of the regular file at `path`, reading each byte once.
    /// A symbolic link is not followed and anything but a regular file is refused.
    public static func ofFile(at path: String) throws(Failure) -> (sha256: String, size: Int64) {
        let fd = try openRegularFile(path)
        defer { close(fd) }
        var hasher = SHA256()
        var size: Int64 = 0
        try readChunks(fd, path: path) { chunk in
            hasher.update(bufferPointer: chunk)
            size += Int64(chunk.count)
        }
        return (hex(hasher.finalize()), size)
    }

    /// Opens `path` for reading without following a final symbolic link, without blocking on a
    /// FIFO swapped in at the last moment, and checks that what was opened is a regular file.
    static func openRegularFile(_ path: String) throws(Failure) -> Int32 {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            throw Failure(path: path, reason: code == ELOOP ? "it is a symbolic link" : describe(code), code: code)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw Failure(path: path, reason: describe(code), code: code)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw Failure(path: path, reason: "it is not a regular file")
        }
        return fd
    }

    /// Calls `body` with each chunk read from `fd` until the end of the file.
    static func readChunks(_ fd: Int32, path: String, _ body: (UnsafeRawBufferPointer) throws(Failure) -> Void) throws(Failure) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer.baseAddress, chunkSize)
            if count == 0 { return }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw Failure(path: path, reason: describe(code), code: code)
            }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// `strerror` text, e.g. `Permission denied`.
    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
