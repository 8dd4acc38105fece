import Foundation
import Hummingbird
import MonitorStore
import Synchronization
import Testing

@testable import MonitorWeb

/// A state locked by `monitor apply`: one retry, then 503 JSON — never a crash or HTML.
@Suite struct StateReaderTests {
    let fixture: WebFixture
    init() throws { fixture = try WebFixture() }

    @Test func aLockedStateIsRetriedOnceThenAnswered503() async throws {
        let attempts = Mutex(0)
        let reader = StateReader(store: fixture.store, retryPause: .milliseconds(1))
        do {
            _ = try await reader.read { _ throws(StoreError) -> Int in
                attempts.withLock { $0 += 1 }
                throw .busy(path: "/srv/state.sqlite")
            }
            Issue.record("a locked state must not answer")
        } catch {
            #expect(error.status == .serviceUnavailable)
            #expect(error.headers[.retryAfter] == "2")
            #expect(error.message.contains("locked"))
        }
        #expect(attempts.withLock { $0 } == 2)
    }

    @Test func aLockReleasedBeforeTheRetryIsInvisible() async throws {
        let attempts = Mutex(0)
        let reader = StateReader(store: fixture.store, retryPause: .milliseconds(1))
        let value = try await reader.read { _ throws(StoreError) -> Int in
            let attempt = attempts.withLock {
                $0 += 1
                return $0
            }
            if attempt == 1 { throw .busy(path: "/srv/state.sqlite") }
            return 42
        }
        #expect(value == 42)
    }

    @Test func otherStoreErrorsAre500JSON() async throws {
        let reader = StateReader(store: fixture.store)
        do {
            _ = try await reader.read { _ throws(StoreError) -> Int in throw .database("disk I/O error") }
        } catch {
            #expect(error.status == .internalServerError)
            #expect(error.response().headers[.contentType] == "application/json; charset=utf-8")
        }
    }
}
