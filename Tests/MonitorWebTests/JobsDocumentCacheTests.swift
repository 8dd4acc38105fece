import Foundation
import Hummingbird
import HummingbirdTesting
import MonitorCore
import MonitorStore
import MonitorTestSupport
import Synchronization
import Testing

@testable import MonitorWeb

/// The `/api/jobs` document cache: when it answers from memory, when it reads the state again,
/// and that concurrent requests share one build.
@Suite struct JobsDocumentCacheTests {
    static let t0 = at("2026-11-21T03:00:00Z")
    static let stampA = ChangeStamp(revision: 1, scan: 1, scanFinished: true)
    static let stampB = ChangeStamp(revision: 2, scan: 1, scanFinished: true)

    /// Counts builds and stamp reads; each build returns a document whose bytes say which build it was.
    final class Source: Sendable {
        let builds = Atomic<Int>(0)
        let stampReads = Atomic<Int>(0)
        let stamp = Mutex(JobsDocumentCacheTests.stampA)
        let validFor: TimeInterval
        let pause: Duration
        let failNext = Atomic<Bool>(false)

        init(validFor: TimeInterval = 3_600, pause: Duration = .zero) {
            self.validFor = validFor
            self.pause = pause
        }

        func document(cache: JobsDocumentCache, at now: Date) async throws -> String {
            let body = try await cache.document(
                at: now,
                stamp: {
                    self.stampReads.add(1, ordering: .relaxed)
                    return self.stamp.withLock { $0 }
                },
                build: {
                    let number = self.builds.add(1, ordering: .relaxed).newValue
                    let stamp = self.stamp.withLock { $0 }
                    if self.pause != .zero { try await Task.sleep(for: self.pause) }
                    if self.failNext.exchange(false, ordering: .relaxed) { throw CancellationError() }
                    return .init(
                        body: ByteBuffer(string: "build \(number)"), stamp: stamp, builtAt: now, validUntil: now.addingTimeInterval(self.validFor))
                })
            return String(buffer: body)
        }
    }

    @Test func answersFromMemoryWithoutReadingTheStateWithinTheCheckInterval() async throws {
        let cache = JobsDocumentCache(maximumAge: 60, stampCheckInterval: 1)
        let source = Source()
        #expect(try await source.document(cache: cache, at: Self.t0) == "build 1")
        #expect(try await source.document(cache: cache, at: Self.t0.addingTimeInterval(0.5)) == "build 1")
        #expect(source.builds.load(ordering: .relaxed) == 1)
        #expect(source.stampReads.load(ordering: .relaxed) == 0)
    }

    @Test func afterTheCheckIntervalAnUnchangedStampKeepsTheDocumentAndAChangedOneRebuildsIt() async throws {
        let cache = JobsDocumentCache(maximumAge: 60, stampCheckInterval: 1)
        let source = Source()
        _ = try await source.document(cache: cache, at: Self.t0)
        #expect(try await source.document(cache: cache, at: Self.t0.addingTimeInterval(2)) == "build 1")
        #expect(source.stampReads.load(ordering: .relaxed) == 1)
        // Checked at t0+2: no new check before t0+3.
        #expect(try await source.document(cache: cache, at: Self.t0.addingTimeInterval(2.5)) == "build 1")
        #expect(source.stampReads.load(ordering: .relaxed) == 1)

        source.stamp.withLock { $0 = Self.stampB }  // e.g. `monitor apply` in another process
        #expect(try await source.document(cache: cache, at: Self.t0.addingTimeInterval(4)) == "build 2")
        #expect(source.builds.load(ordering: .relaxed) == 2)
    }

    @Test func theClockAloneEndsADocumentAtItsValidUntilAndAtTheMaximumAge() async throws {
        let cache = JobsDocumentCache(maximumAge: 60, stampCheckInterval: 1_000)
        let shortLived = Source(validFor: 10)
        _ = try await shortLived.document(cache: cache, at: Self.t0)
        #expect(try await shortLived.document(cache: cache, at: Self.t0.addingTimeInterval(9.9)) == "build 1")
        #expect(try await shortLived.document(cache: cache, at: Self.t0.addingTimeInterval(10)) == "build 2")

        let longLived = Source()
        let other = JobsDocumentCache(maximumAge: 60, stampCheckInterval: 1_000)
        _ = try await longLived.document(cache: other, at: Self.t0)
        #expect(try await longLived.document(cache: other, at: Self.t0.addingTimeInterval(59)) == "build 1")
        #expect(try await longLived.document(cache: other, at: Self.t0.addingTimeInterval(60)) == "build 2")
        // A clock that went backwards does not serve a document from "the future".
        #expect(try await longLived.document(cache: other, at: Self.t0) == "build 3")
    }

    @Test func concurrentRequestsShareOneBuild() async throws {
        let cache = JobsDocumentCache()
        let source = Source(pause: .milliseconds(200))
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<32 { group.addTask { try await source.document(cache: cache, at: Self.t0) } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(answers == Array(repeating: "build 1", count: 32))
        #expect(source.builds.load(ordering: .relaxed) == 1)
    }

    @Test func aBuildOverlappingAnInvalidationIsServedOnceButNotKept() async throws {
        let cache = JobsDocumentCache()
        let source = Source(pause: .milliseconds(300))
        async let first = source.document(cache: cache, at: Self.t0)
        try await Task.sleep(for: .milliseconds(100))
        cache.invalidate()  // a scan finished while the document was being read
        #expect(try await first == "build 1")
        #expect(try await source.document(cache: cache, at: Self.t0) == "build 2")
    }

    @Test func aFailedBuildIsNotKeptAndTheNextRequestTriesAgain() async throws {
        let cache = JobsDocumentCache()
        let source = Source()
        source.failNext.store(true, ordering: .relaxed)
        await #expect(throws: CancellationError.self) { try await source.document(cache: cache, at: Self.t0) }
        #expect(try await source.document(cache: cache, at: Self.t0) == "build 2")
    }

    /// Through the router on a real state: a revision applied by another connection (as
    /// `monitor apply` would) shows in `/api/jobs` once the stamp is checked again.
    @Test func aRevisionAppliedElsewhereAppearsAfterTheStampCheck() async throws {
        let fixture = try WebFixture()
        let app = try fixture.application()
        @Sendable func names(_ client: some TestClientProtocol) async throws -> [String] {
            try await client.execute(uri: "/api/jobs", method: .get) { response in
                ((try response.json()["jobs"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
            }
        }
        try await app.test(.router) { client in
            let before = try await names(client)
            #expect(before == ["db", "idle", "web"])
            let other = try StateStore.open(path: fixture.store.path, create: false)
            let late = Job(name: "late", destination: "nas", schedule: try CronSchedule(parsing: "0 4 * * *"), window: TimeSpan(seconds: 3_600))
            try other.apply(
                DesiredState(
                    settings: Settings(state: fixture.store.path), destinations: [Destination(name: "nas", path: fixture.backups.path)],
                    routes: [], jobs: try WebFixture.jobs(extra: [late])),
                baseRevision: 1, context: ApplyContext(configPath: "/etc/monitor.yaml", git: nil, user: "t", host: "h", now: fixture.clock.now))
            let cached = try await names(client)
            #expect(cached == ["db", "idle", "web"], "within the check interval the cached document answers")
            fixture.clock.set(fixture.clock.now.addingTimeInterval(1.5))
            let after = try await names(client)
            #expect(after == ["db", "idle", "late", "web"])
        }
    }
}

/// After each scan the daemon builds the next document in the background, so the dashboard's
/// next poll is answered from memory.
@Suite struct JobsDocumentWarmingTests {
    @Test func aScanLeavesTheNextDocumentReady() async throws {
        let fixture = try WebFixture()
        let dependencies = try fixture.dependencies()
        #expect(!dependencies.jobsCache.holdsDocument)
        _ = try await dependencies.scans.scan()
        var waited = 0
        while !dependencies.jobsCache.holdsDocument, waited < 200 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(dependencies.jobsCache.holdsDocument, "the document was built after the scan")
        // Answered from memory: neither the stamp nor a build is needed.
        let body = try await dependencies.jobsCache.document(
            at: fixture.clock.now,
            stamp: {
                Issue.record("the stamp was read")
                return ChangeStamp(revision: nil, scan: nil, scanFinished: false)
            },
            build: {
                Issue.record("a build was started")
                throw CancellationError()
            })
        let jobs = try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])["jobs"] as? [[String: Any]]
        #expect(jobs?.map { $0["name"] as? String } == ["db", "idle", "web"])
    }
}
