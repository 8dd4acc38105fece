import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Synchronization
import MonitorTestSupport
import Testing

@testable import MonitorWeb

/// A real write lock on the state, held by another connection as `monitor apply` would hold
/// it: reads answer from the last committed state (WAL) while the lock is held, and
/// `POST /api/scan` waits for the lock instead of failing.
@Suite(.enabled(if: TestState.isSQLite, "about the SQLite file")) struct WriteLockTests {
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    @Test func readsAnswerAndAScanWaitsWhileAnotherConnectionHoldsTheWriteLock() async throws {
        let fixture = try WebFixture(apiTokenEnv: "MONITOR_TOKEN")
        let app = buildApplication(try fixture.dependencies(environment: ["MONITOR_TOKEN": "s3cret"]), listen: .init(host: "127.0.0.1", port: 0))
        let auth: HTTPFields = [.authorization: "Bearer s3cret"]

        // Another connection takes the write lock and keeps it until told to let go.
        let other = try DatabaseQueue(path: fixture.store.path)
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let released = Flag()
        let finished = DispatchSemaphore(value: 0)
        let failure = Mutex<String?>(nil)
        // On a thread of its own, not a task: it blocks while it holds the lock, and a blocked
        // task would take one of the few threads of the concurrency pool that the server and the
        // rest of the suite need (under a loaded full run, the scan then waited past its 15 s).
        Thread.detachNewThread {
            do {
                try other.writeWithoutTransaction { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    try db.execute(sql: "UPDATE job SET retired_at = '2026-11-21T03:00:00Z' WHERE name = 'idle'")  // never committed
                    locked.signal()
                    release.wait()
                    released.set()
                    try db.execute(sql: "ROLLBACK")
                }
            } catch {
                failure.withLock { $0 = "\(error)" }
                locked.signal()
            }
            finished.signal()
        }
        locked.wait()
        #expect(failure.withLock { $0 } == nil)

        try await app.test(.router) { client in
            try await client.execute(uri: "/api/jobs", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                let jobs = try #require(try response.json()["jobs"] as? [[String: Any]])
                #expect(jobs.map { $0["name"] as? String } == ["db", "idle", "web"], "the uncommitted change is not seen")
            }
            try await client.execute(uri: "/api/jobs/db", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
            }
            #expect(!released.isSet, "the reads were answered while the lock was held")

            let answered = Flag()
            async let scan: Void = client.execute(uri: "/api/scan", method: .post, headers: auth) { response in
                answered.set()
                #expect(released.isSet, "the scan wrote only after the lock was released")
                #expect(response.status == .ok, "the scan waited for the lock: \(response.text)")
                let summary = try response.json()
                #expect(summary["jobs"] as? Int == 3)
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(!answered.isSet)
            release.signal()
            try await scan
        }
        finished.wait()
        #expect(failure.withLock { $0 } == nil)
    }
}
