import Foundation
import Hummingbird
import HummingbirdTesting
import MonitorStore
import Synchronization
import Testing

@testable import MonitorWeb

/// At most one scan running and one queued, shared by everyone who asks while it waits
/// (issue 12: 300 `POST /api/scan` queued 300 scans that ran after their clients had gone).
@Suite struct ScanQueueTests {
    /// Work that counts its runs and finishes only when the test opens the gate once per run.
    final class GatedWork: Sendable {
        private let runs = Mutex(0)
        private let gate: AsyncStream<Void>
        private let opener: AsyncStream<Void>.Continuation
        private let iterator: Mutex<AsyncStream<Void>.Iterator?>

        init() {
            (gate, opener) = AsyncStream.makeStream(of: Void.self)
            iterator = Mutex(nil)
        }

        var count: Int { runs.withLock { $0 } }
        func open() { opener.yield() }

        func run() async -> Int {
            let number = runs.withLock {
                $0 += 1
                return $0
            }
            var iterator = gate.makeAsyncIterator()
            _ = await iterator.next()
            return number
        }
    }

    /// Polls `condition` a bounded number of times.
    static func eventually(_ condition: @Sendable () async -> Bool) async throws {
        for _ in 0..<500 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not met within 5 s")
    }

    @Test func callersDuringAScanShareOneQueuedScan() async throws {
        let work = GatedWork()
        let queue = ScanQueue(work: { await work.run() })
        let first = Task { try await queue.run() }
        try await Self.eventually { work.count == 1 }
        let later = (0..<20).map { _ in Task { try await queue.run() } }
        try await Self.eventually { await queue.queuedCallers == 20 }
        #expect(work.count == 1, "nothing runs beside the running scan")
        work.open()
        #expect(try await first.value == 1)
        try await Self.eventually { work.count == 2 }
        work.open()
        for task in later { #expect(try await task.value == 2, "every later caller gets the one queued scan") }
        #expect(work.count == 2)
    }

    @Test func aQueuedScanThatNobodyWaitsForIsDropped() async throws {
        let work = GatedWork()
        let queue = ScanQueue(work: { await work.run() })
        let first = Task { try await queue.run() }
        try await Self.eventually { work.count == 1 }
        let gone = (0..<5).map { _ in Task { try await queue.run() } }
        try await Self.eventually { await queue.queuedCallers == 5 }
        for task in gone { task.cancel() }
        for task in gone { await #expect(throws: CancellationError.self) { try await task.value } }
        #expect(await queue.queuedCallers == 0)
        work.open()
        #expect(try await first.value == 1, "the running scan finishes")
        try await Task.sleep(for: .milliseconds(100))
        #expect(work.count == 1, "no scan ran for callers that left")
        // The queue is free again: the next caller gets a scan of its own.
        let next = Task { try await queue.run() }
        try await Self.eventually { work.count == 2 }
        work.open()
        #expect(try await next.value == 2)
    }

    @Test func aCallerThatLeavesARunningScanDoesNotStopIt() async throws {
        let work = GatedWork()
        let queue = ScanQueue(work: { await work.run() })
        let leaving = Task { try await queue.run() }
        try await Self.eventually { work.count == 1 }
        leaving.cancel()
        await #expect(throws: CancellationError.self) { try await leaving.value }
        let staying = Task { try await queue.run() }
        try await Self.eventually { await queue.queuedCallers == 1 }
        work.open()
        try await Self.eventually { work.count == 2 }
        work.open()
        #expect(try await staying.value == 2)
    }

    @Test func concurrentScanRequestsAllAnswerTheSummary() async throws {
        let fixture = try WebFixture(apiTokenEnv: "MONITOR_API_TOKEN")
        let auth: HTTPFields = [.authorization: "Bearer t0ken"]
        try await fixture.application(environment: ["MONITOR_API_TOKEN": "t0ken"]).test(.router) { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<12 {
                    group.addTask { try await client.execute(uri: "/api/scan", method: .post, headers: auth).status }
                }
                for try await status in group { #expect(status == .ok) }
            }
        }
    }
}
