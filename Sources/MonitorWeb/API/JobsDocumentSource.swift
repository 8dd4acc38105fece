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

    func build() async throws -> JobsDocumentCache.Document {
        let now = clock()
        let snapshot = try await reader.read { store throws(StoreError) in try store.jobViewsSnapshot(now: now) }
        let bytes = try StatusDocument(generatedAt: now, jobs: snapshot.jobs).encoded()
        return JobsDocumentCache.Document(body: ByteBuffer(bytes: bytes), stamp: snapshot.stamp, builtAt: now, validUntil: snapshot.validUntil)
    }
}

extension JobsDocumentCache {
    /// The document as of now, from `source`.
    func document(from source: JobsDocumentSource) async throws -> ByteBuffer {
        try await document(at: source.clock(), stamp: source.stamp, build: source.build)
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
