/// At most one scan running and one queued, whoever asks. A caller that arrives while a scan
/// runs joins the queued one — the first such caller queues it, every later one shares its
/// result (a burst of `POST /api/scan` costs one extra scan, not one per request). A caller
/// whose task is cancelled (its client went away) stops waiting; a queued scan that nobody
/// waits for any more is dropped before it starts. A running scan always finishes: a promotion
/// in flight is never cut short. The queued scan covers what its callers asked together
/// (`ScanScope`): one that asks for every job makes it a full scan.
actor ScanQueue<Value: Sendable> {
    private enum Outcome: Sendable {
        case finished(Value)
        case withdrawn
    }

    private typealias Waiter = CheckedContinuation<Outcome, Never>

    private let work: @Sendable (ScanScope) async -> Value
    private var isRunning = false
    /// What the queued scan covers; nil when none is queued.
    private var queuedScope: ScanScope?
    /// The callers of the running scan.
    private var running: [UInt64: Waiter] = [:]
    /// The callers of the queued scan; empty when none is queued.
    private var queued: [UInt64: Waiter] = [:]
    private var nextID: UInt64 = 0

    init(work: @escaping @Sendable (ScanScope) async -> Value) {
        self.work = work
    }

    /// A queue whose work does not depend on the scope.
    init(work: @escaping @Sendable () async -> Value) {
        self.work = { _ in await work() }
    }

    /// The value of the running scan if it started for this caller, else of the queued one.
    /// Throws `CancellationError` when the caller was cancelled before its scan finished.
    func run(_ scope: ScanScope = .all) async throws(CancellationError) -> Value {
        nextID += 1
        let id = nextID
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: Waiter) in
                enqueue(id, scope, continuation)
            }
        } onCancel: {
            Task { await self.withdraw(id) }
        }
        switch outcome {
        case .finished(let value): return value
        case .withdrawn: throw CancellationError()
        }
    }

    /// How many callers wait for the queued scan (for tests).
    var queuedCallers: Int { queued.count }

    private func enqueue(_ id: UInt64, _ scope: ScanScope, _ continuation: Waiter) {
        if Task.isCancelled {
            continuation.resume(returning: .withdrawn)
        } else if isRunning {
            queued[id] = continuation
            queuedScope = queuedScope.map { $0.merged(with: scope) } ?? scope
        } else {
            running[id] = continuation
            start(scope)
        }
    }

    private func withdraw(_ id: UInt64) {
        (queued.removeValue(forKey: id) ?? running.removeValue(forKey: id))?.resume(returning: .withdrawn)
    }

    private func start(_ scope: ScanScope) {
        isRunning = true
        let work = self.work
        Task {
            let value = await work(scope)
            self.finished(value)
        }
    }

    private func finished(_ value: Value) {
        for waiter in running.values { waiter.resume(returning: .finished(value)) }
        running = queued
        queued = [:]
        let scope = queuedScope ?? .all
        queuedScope = nil
        if running.isEmpty {
            isRunning = false
        } else {
            start(scope)
        }
    }
}
