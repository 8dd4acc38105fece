import Foundation
import MonitorStore

/// Reads the state for a request off the cooperative threads. The store already waits for a
/// write lock (busy timeout); if SQLite still answers "busy" — `monitor apply` holding the lock
/// for long — it is tried once more, then answered 503 JSON with Retry-After, never a crash or
/// an HTML page.
struct StateReader: Sendable {
    let store: StateStore
    var retryPause: Duration = .milliseconds(250)

    func read<T: Sendable>(_ body: @escaping @Sendable (StateStore) throws(StoreError) -> T) async throws(APIError) -> T {
        let store = self.store
        var attempt = 0
        while true {
            do {
                return try await offload { () throws(StoreError) -> T in try body(store) }
            } catch  where Self.isBusy(error) {
                attempt += 1
                if attempt >= 2 {
                    throw APIError(
                        .serviceUnavailable, "the state database is locked (a monitor apply in progress?); try again in a moment",
                        headers: [.retryAfter: "2"])
                }
                try? await Task.sleep(for: retryPause)
            } catch {
                // A PostgreSQL state whose server is down or refuses us: unavailable for now, not broken.
                if case .unreadable = error { throw APIError(.serviceUnavailable, "cannot read the state: \(error.description)") }
                throw APIError(.internalServerError, "cannot read the state: \(error.description)")
            }
        }
    }

    static func isBusy(_ error: StoreError) -> Bool {
        if case .busy = error { return true }
        return false
    }
}
