import MonitorStore

/// Stores received pings with group commit: the pings that arrive while a write is under way
/// are stored together by the next one, in one transaction (``StateStore/record(pings:)``), so
/// that a flood of pings costs a commit per batch, not per ping. Each caller waits for the
/// commit that holds its ping before it is answered: an `OK` is never sent for a ping not stored.
///
/// What waits is bounded by the open connections (the server's connection limit): one ping per
/// request, at most ``batchLimit`` per transaction.
actor PingRecorder {
    private typealias Waiter = CheckedContinuation<Result<PingAcceptance, StoreError>, Never>

    private let store: StateStore
    private var waiting: [(ping: ReceivedPing, waiter: Waiter)] = []
    private var writing = false
    /// Pings per transaction at most, so that one write stays short beside the scans.
    static let batchLimit = 200

    init(store: StateStore) {
        self.store = store
    }

    func record(_ ping: ReceivedPing) async throws(StoreError) -> PingAcceptance {
        let result = await withCheckedContinuation { (waiter: Waiter) in
            enqueue(ping, waiter)
        }
        return try result.get()
    }

    private func enqueue(_ ping: ReceivedPing, _ waiter: Waiter) {
        waiting.append((ping, waiter))
        guard !writing else { return }
        writing = true
        Task { await self.write() }
    }

    private func write() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.batchLimit))
            waiting.removeFirst(batch.count)
            let (store, pings) = (self.store, batch.map(\.ping))
            let results: [Result<PingAcceptance, StoreError>] = await offload { () -> [Result<PingAcceptance, StoreError>] in
                do throws(StoreError) {
                    return try store.record(pings: pings).map { .success($0) }
                } catch {
                    return Array(repeating: .failure(error), count: pings.count)
                }
            }
            for (item, result) in zip(batch, results) { item.waiter.resume(returning: result) }
        }
        writing = false
    }
}
