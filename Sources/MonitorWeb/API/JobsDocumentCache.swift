import Foundation
import Synchronization

/// The encoded `/api/jobs` document, kept until the next scan or for a few seconds, whichever
/// comes first: a dashboard polled by many tabs costs one database read per scan, not one per
/// request. The age limit keeps `next` windows and newly applied jobs current between scans.
public final class JobsDocumentCache: Sendable {
    private struct Entry {
        var builtAt: Date
        var bytes: [UInt8]
    }

    private let entry = Mutex<Entry?>(nil)
    let maximumAge: TimeInterval

    public init(maximumAge: TimeInterval = 5) {
        self.maximumAge = maximumAge
    }

    /// The cached document if it is still fresh at `now`.
    func document(at now: Date) -> [UInt8]? {
        entry.withLock { entry in
            guard let entry, now >= entry.builtAt, now.timeIntervalSince(entry.builtAt) < maximumAge else { return nil }
            return entry.bytes
        }
    }

    func store(_ bytes: [UInt8], builtAt: Date) {
        entry.withLock { $0 = Entry(builtAt: builtAt, bytes: bytes) }
    }

    /// Forgets the document; called after every scan.
    public func invalidate() {
        entry.withLock { $0 = nil }
    }
}
