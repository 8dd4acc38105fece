import Foundation
import Hummingbird
import MonitorStore
import Synchronization

/// The encoded `/api/jobs` document, kept while it is still true, so that a dashboard polled
/// by many tabs (or a load test) costs one database read per change, not one per request.
///
/// A document stays valid until the first of:
/// - the state changes: a revision is applied or a scan starts or finishes, in this process
///   or another (`monitor apply`, `monitor scan`). The daemon's own scans call ``invalidate()``;
///   other processes' changes are seen through the state's ``ChangeStamp``, checked at most once
///   per `stampCheckInterval`;
/// - the clock alone changes the views: a job's next occurrence starts, or an open window closes;
/// - `maximumAge` passes (a bound for anything not foreseen here).
///
/// Concurrent requests that find no valid document share one build instead of each reading
/// the whole state ("single flight").
public final class JobsDocumentCache: Sendable {
    /// A built document and when it stops being true.
    public struct Document: Sendable {
        /// The encoded document, its tag, gzip and per-job index. Its `ByteBuffer`s are shared
        /// by every response, not copied.
        var content: JobsDocument
        public var stamp: ChangeStamp
        public var builtAt: Date
        public var validUntil: Date

        /// The encoded document.
        public var body: ByteBuffer { content.body }

        init(content: JobsDocument, stamp: ChangeStamp, builtAt: Date, validUntil: Date) {
            self.content = content
            self.stamp = stamp
            self.builtAt = builtAt
            self.validUntil = validUntil
        }

        /// A document of already encoded bytes, without a per-job index.
        public init(body: ByteBuffer, stamp: ChangeStamp, builtAt: Date, validUntil: Date) {
            self.init(content: JobsDocument(rawBody: body), stamp: stamp, builtAt: builtAt, validUntil: validUntil)
        }
    }

    private struct State {
        var document: Document?
        var checkedAt = Date.distantPast
        var building: Task<Document, any Error>?
        /// Bumped by ``invalidate()``: a build started before cannot store its older result.
        var epoch = 0
        /// The last document built, kept across ``invalidate()``: a build that finds the same
        /// jobs reuses its bytes, tag and gzip.
        var lastBuilt: Document?
    }

    private enum Decision {
        case hit(Document)
        case verify(Document)
        case build
    }

    private let state = Mutex(State())
    let maximumAge: TimeInterval
    let stampCheckInterval: TimeInterval

    public init(maximumAge: TimeInterval = 60, stampCheckInterval: TimeInterval = 1) {
        self.maximumAge = maximumAge
        self.stampCheckInterval = stampCheckInterval
    }

    /// The document as of `now`: the cached one while it is valid, else one build shared by
    /// every caller waiting at that moment. `stamp` reads the state's current stamp (cheap);
    /// `build` reads the state and encodes the document.
    func document(
        at now: Date,
        stamp: @escaping @Sendable () async throws -> ChangeStamp,
        build: @escaping @Sendable () async throws -> Document
    ) async throws -> ByteBuffer {
        try await current(at: now, stamp: stamp, build: build).body
    }

    /// ``document(at:stamp:build:)`` with its tag, gzip and index.
    func current(
        at now: Date,
        stamp: @escaping @Sendable () async throws -> ChangeStamp,
        build: @escaping @Sendable () async throws -> Document
    ) async throws -> Document {
        let decision = state.withLock { state -> Decision in
            guard let document = state.document, isFresh(document, at: now) else { return .build }
            return now.timeIntervalSince(state.checkedAt) < stampCheckInterval ? .hit(document) : .verify(document)
        }
        switch decision {
        case .hit(let document):
            return document
        case .verify(let document):
            if try await stamp() == document.stamp {
                state.withLock { state in
                    if state.document?.builtAt == document.builtAt, state.document?.stamp == document.stamp { state.checkedAt = now }
                }
                return document
            }
        case .build:
            break
        }
        let (task, epoch) = state.withLock { state in
            if let building = state.building { return (building, state.epoch) }
            let task = Task { try await build() }
            state.building = task
            return (task, state.epoch)
        }
        do {
            let document = try await task.value
            state.withLock { state in
                guard state.building == task else { return }
                state.building = nil
                state.lastBuilt = document
                if state.epoch == epoch {
                    state.document = document
                    state.checkedAt = document.builtAt
                }
            }
            return document
        } catch {
            state.withLock { state in if state.building == task { state.building = nil } }
            throw error
        }
    }

    private func isFresh(_ document: Document, at now: Date) -> Bool {
        now >= document.builtAt && now < document.validUntil && now.timeIntervalSince(document.builtAt) < maximumAge
    }

    /// The last document built, even if since invalidated: what a new build may reuse.
    var lastBuilt: Document? { state.withLock { $0.lastBuilt } }

    /// Whether a document is held (tests).
    var holdsDocument: Bool { state.withLock { $0.document != nil } }

    /// Forgets the document, and any build in flight; called after every scan of the daemon.
    public func invalidate() {
        state.withLock { state in
            state.document = nil
            state.building = nil
            state.epoch += 1
        }
    }
}
