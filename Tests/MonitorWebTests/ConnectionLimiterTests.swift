import Testing

@testable import MonitorWeb

/// The connection limit's decisions, without sockets (issue 12: idle sockets held every file
/// descriptor and stalled `/healthz`).
@Suite struct ConnectionLimiterTests {
    @Test func belowTheCapacityEveryConnectionIsAdmitted() {
        var limiter = ConnectionLimiter(capacity: 3)
        for id: UInt64 in 1...3 {
            #expect(limiter.opened(id) == .init(admission: .admit, warn: false))
        }
        #expect(limiter.openCount == 3)
    }

    @Test func pastTheCapacityTheLongestWaitingConnectionMakesRoom() {
        var limiter = ConnectionLimiter(capacity: 3)
        for id: UInt64 in 1...3 { _ = limiter.opened(id) }
        limiter.requestStarted(1)
        #expect(limiter.opened(4) == .init(admission: .admitClosing(2), warn: true), "1 is busy; 2 waited longest")
        #expect(limiter.opened(5) == .init(admission: .admitClosing(3), warn: false), "one warning per burst")
        limiter.requestFinished(1)
        #expect(limiter.opened(6) == .init(admission: .admitClosing(4), warn: false), "1 waits again, since after 4")
        #expect(limiter.openCount == 3)
    }

    @Test func whenEveryConnectionIsBusyTheNewOneIsRefused() {
        var limiter = ConnectionLimiter(capacity: 2)
        for id: UInt64 in 1...2 {
            _ = limiter.opened(id)
            limiter.requestStarted(id)
        }
        #expect(limiter.opened(3) == .init(admission: .refuse, warn: true))
        #expect(limiter.openCount == 2)
    }

    @Test func aBurstEndsAtHalfTheCapacity() {
        var limiter = ConnectionLimiter(capacity: 4)
        for id: UInt64 in 1...4 { _ = limiter.opened(id) }
        #expect(limiter.opened(5).warn)
        limiter.closed(5)
        _ = limiter.opened(6)
        #expect(!limiter.opened(7).warn, "down to 3 and back: still the same burst")
        limiter.closed(7)
        limiter.closed(6)
        #expect(limiter.openCount == 2)
        for id: UInt64 in 8...9 { _ = limiter.opened(id) }
        #expect(limiter.opened(10).warn, "after falling to half the capacity, a new burst warns again")
    }

    @Test func theLimitFollowsTheOpenFileLimit() {
        let limit = HTTPLimits.connectionsForOpenFileLimit()
        #expect((16...1024).contains(limit))
    }
}
