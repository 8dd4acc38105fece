import Crypto
import Foundation
import MonitorCore
import NIOCore
import Synchronization

/// One version of the `/api/jobs` document, encoded once, with what answering from it needs:
/// its entity tag, its gzip encoding (made once per version), and where each job's JSON lies
/// in it, so that a filtered answer is a copy of the matching jobs' bytes — no view is rebuilt
/// and nothing is encoded again per request.
final class JobsDocument: Sendable {
    /// A job's place in ``body`` (indexes of its storage) and what the filters look at.
    struct Entry: Sendable {
        var range: Range<Int>
        var status: JobStatus
        var labels: [String: String]
        var lowercasedName: String
        var lowercasedDescription: String
    }

    /// One answer: its bytes and its entity tag (quoted, as sent).
    struct Representation: Sendable {
        var body: ByteBuffer
        var etag: String
        var gzipped: Bool
    }

    /// `{"generated_at":"…","jobs":[…]}`, byte for byte what `JSONEncoder.api` writes.
    let body: ByteBuffer
    let gzipBody: ByteBuffer?
    /// Names the jobs' content, `generated_at` left out: a rebuild that finds the same jobs
    /// keeps the previous version (and its tag), so a poll after a scan that changed nothing is a 304.
    let tag: String
    let entries: [Entry]
    /// Up to the `[` of the jobs array, and the closing `]}`.
    private let prefix: ByteBuffer
    private static let suffix = ByteBuffer(string: "]}")
    /// Filtered answers already made from this version, by ``JobsFilter/key``.
    private let filtered = Mutex<[String: Representation]>([:])
    /// Bounds ``filtered``: past it, the answers kept are forgotten (they are cheap to make again).
    static let filteredLimit = 64
    /// Answers shorter than this are sent as they are: gzip would save next to nothing.
    static let gzipThreshold = 1_024

    private init(body: ByteBuffer, prefixLength: Int, tag: String, entries: [Entry], gzip: Bool) {
        self.body = body
        self.prefix = body.getSlice(at: body.readerIndex, length: prefixLength) ?? ByteBuffer()
        self.tag = tag
        self.entries = entries
        self.gzipBody = gzip && body.readableBytes >= Self.gzipThreshold ? Gzip.compress(body) : nil
    }

    /// A document from already encoded bytes, with no per-job index (tests of the cache).
    convenience init(rawBody: ByteBuffer) {
        self.init(body: rawBody, prefixLength: 0, tag: Self.digest(rawBody.readableBytesView), entries: [], gzip: false)
    }

    /// Encodes `jobs` as of `generatedAt`. When `previous` holds the same jobs, it is returned
    /// instead: same bytes, same tag, already compressed.
    static func make(_ jobs: [JobListEntry], generatedAt: Date, reusing previous: JobsDocument?) throws -> JobsDocument {
        let encoder = JSONEncoder.api
        // Grown as written (capacities double, so little is left over); no reservation by guess.
        var body = ByteBuffer()
        body.writeString("{\"generated_at\":")
        body.writeBytes(try encoder.encode(Timestamp.string(generatedAt)))
        body.writeString(",\"jobs\":[")
        let prefixLength = body.readableBytes
        // Written straight into the answer, and hashed on the way: the jobs' bytes are never
        // held twice (10,000 jobs are about 15 MiB of JSON).
        var hasher = SHA256()
        var entries: [Entry] = []
        entries.reserveCapacity(jobs.count)
        for (index, job) in jobs.enumerated() {
            if index > 0 {
                body.writeInteger(UInt8(ascii: ","))
                hasher.update(data: [UInt8(ascii: ",")])
            }
            let encoded = try encoder.encode(job)
            let start = body.writerIndex
            body.writeBytes(encoded)
            hasher.update(data: encoded)
            entries.append(
                Entry(
                    range: start..<body.writerIndex, status: job.view.status, labels: job.view.labels,
                    lowercasedName: job.view.name.lowercased(), lowercasedDescription: (job.view.description ?? "").lowercased()))
        }
        let tag = hex(hasher.finalize())
        if let previous, previous.tag == tag { return previous }
        body.writeString("]}")
        // Kept for long: more than a quarter of slack is given back.
        if body.capacity - body.readableBytes > body.capacity / 4 { body = ByteBuffer(bytes: body.readableBytesView) }
        return JobsDocument(body: body, prefixLength: prefixLength, tag: tag, entries: entries, gzip: true)
    }

    /// 128 bits of SHA-256, in hex: tells versions apart, says nothing of their content.
    private static func digest(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// The answer for `filter`, gzipped when `gzip` and worth it. The entity tag names this
    /// version, the filter and the encoding (RFC 9110 §8.8.3: a strong tag differs per content coding).
    func representation(_ filter: JobsFilter, gzip: Bool) -> Representation {
        let base = filter.isEmpty ? tag : tag + "-" + Self.digest(Array(filter.key.utf8)).prefix(12)
        if filter.isEmpty {
            if gzip, let gzipBody { return Representation(body: gzipBody, etag: "\"\(base)-gzip\"", gzipped: true) }
            return Representation(body: body, etag: "\"\(base)\"", gzipped: false)
        }
        let cacheKey = (gzip ? "gzip:" : "identity:") + filter.key
        if let known = filtered.withLock({ $0[cacheKey] }) { return known }
        var answer = prefix
        var first = true
        for entry in entries
        where filter.matches(
            status: entry.status, labels: entry.labels, lowercasedName: entry.lowercasedName,
            lowercasedDescription: entry.lowercasedDescription)
        {
            if !first { answer.writeInteger(UInt8(ascii: ",")) }
            first = false
            var slice = body.getSlice(at: entry.range.lowerBound, length: entry.range.count) ?? ByteBuffer()
            answer.writeBuffer(&slice)
        }
        answer.writeImmutableBuffer(Self.suffix)
        var representation = Representation(body: answer, etag: "\"\(base)\"", gzipped: false)
        if gzip, answer.readableBytes >= Self.gzipThreshold, let compressed = Gzip.compress(answer) {
            representation = Representation(body: compressed, etag: "\"\(base)-gzip\"", gzipped: true)
        }
        filtered.withLock { cache in
            if cache.count >= Self.filteredLimit { cache.removeAll(keepingCapacity: true) }
            cache[cacheKey] = representation
        }
        return representation
    }
}
