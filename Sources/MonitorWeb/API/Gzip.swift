import CZlib
import NIOCore

/// gzip (RFC 1952) of a whole answer in one call, through the system's zlib.
///
/// Why zlib through a small C module rather than a Swift package: the daemon compresses a few
/// documents per scan, not a stream per request, so a one-shot `deflate` is all it needs; zlib
/// is already on every host the binary runs on (libcurl and dpkg depend on it), and the module
/// follows the pattern of `CCurl` without adding a package to the dependency graph.
enum Gzip {
    /// zlib's level 6 (its default): for JSON, within a few percent of level 9 at about half its time.
    static let level: Int32 = 6

    /// The gzip encoding of `input`, written out in steps of `step` bytes so that no buffer of
    /// the worst-case size is ever allocated. zlib fails here only when it cannot allocate its state.
    static func compress(_ input: ByteBuffer, step: Int = 64 * 1_024) -> ByteBuffer? {
        var stream = z_stream()
        guard monitor_deflate_init_gzip(&stream, level) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output = ByteBuffer()
        let finished = input.withUnsafeReadableBytes { source -> Bool in
            stream.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(source.count)
            var status = Z_OK
            while status == Z_OK {
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: step) { target -> Int in
                    stream.next_out = target.bindMemory(to: Bytef.self).baseAddress
                    stream.avail_out = uInt(target.count)
                    status = deflate(&stream, Z_FINISH)
                    return target.count - Int(stream.avail_out)
                }
            }
            return status == Z_STREAM_END
        }
        return finished ? output : nil
    }
}
