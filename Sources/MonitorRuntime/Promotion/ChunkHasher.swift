import Crypto
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// SHA-256 of a stream of chunks, computed on another thread while the caller writes them.
///
/// Hashing is the slowest step of a copy (about 1.3 GB/s per core with SHA-NI, against several
/// GB/s for moving bytes through the page cache), so it runs on a serial queue — in submission
/// order — while the calling thread copies the next chunk. The caller fills the buffers handed
/// out by ``nextBuffer()`` round-robin; a buffer is handed out again only after its previous
/// chunk has been hashed, so no chunk is copied in memory for the hasher's sake.
///
/// Not thread-safe: one owner calls every method. The hashing state is touched only on `queue`.
final class ChunkHasher: @unchecked Sendable {
    private let queue = DispatchQueue(label: "monitor.promotion.sha256", qos: .userInitiated)
    private let hashed = DispatchSemaphore(value: 0)
    private var hasher = SHA256()
    private let storage: UnsafeMutableRawBufferPointer
    private let bufferSize: Int
    private let bufferCount: Int
    /// Chunks submitted whose hashing the owner has not yet seen finish.
    private var pending = 0
    private var nextIndex = 0

    /// - Parameters:
    ///   - bufferCount: how many chunks may be in flight; 3 lets the reader run ahead of the hasher.
    ///   - bufferSize: large enough that system calls and queue hops are noise, small enough to stay in cache.
    init(bufferCount: Int = 3, bufferSize: Int = 2 << 20) {
        self.bufferCount = bufferCount
        self.bufferSize = bufferSize
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferCount * bufferSize, alignment: 4096)
    }

    deinit {
        waitForPending()
        storage.deallocate()
    }

    /// The next buffer to read into; waits until the hasher has finished with its previous chunk.
    func nextBuffer() -> UnsafeMutableRawBufferPointer {
        if pending == bufferCount {
            // Chunks finish in submission order, so the oldest — the one in this buffer — is done.
            hashed.wait()
            pending -= 1
        }
        let start = nextIndex * bufferSize
        nextIndex = (nextIndex + 1) % bufferCount
        return UnsafeMutableRawBufferPointer(rebasing: storage[start..<(start + bufferSize)])
    }

    /// Queues `chunk` (a prefix of the last buffer handed out) for hashing. The caller may keep
    /// reading it (to write it) but must not change it.
    func submit(_ chunk: UnsafeRawBufferPointer) {
        pending += 1
        let chunk = Chunk(bytes: chunk)
        queue.async {
            self.hasher.update(bufferPointer: chunk.bytes)
            self.hashed.signal()
        }
    }

    /// Queues `bytes`, which lie in `mapping` (a read-only memory map of a file made by the
    /// caller), for hashing after the chunks already queued; the hasher unmaps `mapping` once it
    /// has hashed them. At most `bufferCount` chunks are in flight: this waits for room.
    func submit(_ bytes: UnsafeRawBufferPointer, unmapping mapping: UnsafeMutableRawBufferPointer) {
        if pending == bufferCount {
            hashed.wait()
            pending -= 1
        }
        pending += 1
        let chunk = Chunk(bytes: bytes)
        let region = Mapping(bytes: mapping)
        queue.async {
            self.hasher.update(bufferPointer: chunk.bytes)
            _ = munmap(region.bytes.baseAddress, region.bytes.count)
            self.hashed.signal()
        }
    }

    /// The lower-case hex SHA-256 of everything submitted since the last call, which starts a new stream.
    func finish() -> String {
        waitForPending()
        let digest = queue.sync {
            defer { hasher = SHA256() }
            return hasher.finalize()
        }
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Forgets a stream abandoned midway (a failed copy), so the next one starts clean.
    func reset() {
        waitForPending()
        queue.sync { hasher = SHA256() }
    }

    private func waitForPending() {
        while pending > 0 {
            hashed.wait()
            pending -= 1
        }
    }

    /// A chunk handed to the hashing queue. The owner guarantees the bytes outlive the hashing
    /// (``nextBuffer()`` and `deinit` wait for it), which is what makes sending the pointer sound.
    private struct Chunk: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer
    }

    /// A memory map handed to the hashing queue, which unmaps it; nothing else touches it meanwhile.
    private struct Mapping: @unchecked Sendable {
        let bytes: UnsafeMutableRawBufferPointer
    }
}
