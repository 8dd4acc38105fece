import Foundation
import Hummingbird
import Logging
import MonitorCore
import MonitorStore

/// Where the `/api/jobs` document comes from: the state's change stamp (cheap) and a full
/// read and encoding of every job view. Shared by the route and by the scan coordinator, which
/// builds the next document right after each scan so that the dashboard's next poll is answered
/// from memory.
public struct JobsDocumentSource: Sendable {
    let reader: StateReader
    let clock: @Sendable () -> Date

    func stamp() async throws -> ChangeStamp {
        try await reader.read { store throws(StoreError) in try store.changeStamp() }
    }

    /// Reads the jobs and their recent occurrences, then encodes, indexes and compresses them
    /// off the cooperative threads. When the jobs are those of `previous`, its bytes, tag and
    /// gzip are kept (with the `generated_at` of when they were first made).
    func build(reusing previous: JobsDocument? = nil) async throws -> JobsDocumentCache.Document {
        let now = clock()
        let snapshot = try await reader.read { store throws(StoreError) in try store.jobListSnapshot(now: now) }
        let content = try await offload { () throws -> JobsDocument in
            try JobsDocument.make(snapshot.entries, generatedAt: now, reusing: previous)
        }
        return JobsDocumentCache.Document(content: content, stamp: snapshot.stamp, builtAt: now, validUntil: snapshot.validUntil)
    }
}

extension JobsDocumentCache {
    /// The document as of now, from `source`.
    func document(from source: JobsDocumentSource) async throws -> ByteBuffer {
        try await current(from: source).body
    }

    /// The document as of now, from `source`, with its tag, gzip and index.
    func current(from source: JobsDocumentSource) async throws -> Document {
        try await current(at: source.clock(), stamp: source.stamp) { [self] in
            try await source.build(reusing: lastBuilt?.content)
        }
    }

    /// Forgets the document and builds the next one in the background (after a scan).
    func refresh(from source: JobsDocumentSource, logger: Logger) {
        invalidate()
        Task {
            do { _ = try await document(from: source) } catch {
                logger.warning("could not prepare the /api/jobs document after the scan", metadata: ["error": "\(error)"])
            }
        }
    }
}
