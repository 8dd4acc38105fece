import Foundation
import MonitorCore
import MonitorStore
import MonitorTestSupport
import Testing

@testable import MonitorRuntime

/// `source: ping` from the stored pings to the ledger (SPEC §13), on a real state with the
/// clock pinned: pairing, deadlines, messages, and a table that stays small.
@Suite struct PingSourceTests {
    static func time(_ text: String) -> Date { Timestamp.parse(text)! }

    /// A state with a daily ping job `nightly` (window 3h), a ping job `short` whose runs may take
    /// 30 minutes, and a status-file job `files`; applied the day before.
    struct Sandbox {
        let root: URL
        let store: StateStore

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-ping-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            store = try StateStore.open(path: TestState.location(root.appendingPathComponent("state.sqlite").path), create: true)
            let schedule = try CronSchedule(parsing: "0 2 * * *")
            var nightly = Job(name: "nightly", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 10_800))
            nightly.source = .ping
            var short = Job(name: "short", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 10_800))
            short.source = .ping
            short.expect = RunBounds(maxDuration: TimeSpan(seconds: 1_800))
            let files = Job(name: "files", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 10_800))
            try store.apply(
                DesiredState(
                    settings: Settings(state: store.path), destinations: [Destination(name: "nas", path: root.path)],
                    routes: [], jobs: [nightly, short, files]),
                baseRevision: 0,
                context: ApplyContext(configPath: "/etc/monitor.yaml", git: nil, user: "t", host: "h", now: time("2026-11-20T12:00:00Z")))
        }

        @discardableResult
        func ping(_ job: String, _ kind: PingKind, at text: String, rid: String? = nil, exitCode: Int? = nil, body: String = "") throws
            -> PingAcceptance
        {
            try store.record(ping: ReceivedPing(job: job, kind: kind, exitCode: exitCode, rid: rid, receivedAt: time(text), body: body))
        }

        func scan(at text: String) throws -> ScanSummary {
            try Scanner(store: store).scan(now: time(text))
        }

        /// The occurrence of `job` scheduled at `scheduled`, as the ledger holds it.
        func occurrence(_ job: String, _ scheduled: String) throws -> OccurrenceRecord {
            try #require(try store.occurrence(job: job, scheduledAt: time(scheduled)), "no occurrence \(scheduled) of \(job)")
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test("a success after a start is a SUCCESS finished when it arrived, lasting since the start")
    func startThenSuccess() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.ping("nightly", .start, at: "2026-11-21T02:00:05Z")
        try sandbox.ping("nightly", .success, at: "2026-11-21T02:10:05Z", body: "archive created")
        _ = try sandbox.scan(at: "2026-11-21T02:15:00Z")
        let run = try sandbox.occurrence("nightly", "2026-11-21T02:00:00Z")
        #expect(run.state == .success)
        #expect(run.finishedAt == Self.time("2026-11-21T02:10:05Z"))
        #expect(run.message == "archive created")
        #expect(run.figures?.duration == 600)
    }

    @Test("rid pairs a finish with its own start; a start that never finishes is FAILED after the window")
    func ridPairingAndOverrun() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let first = "5f3c1a2e-0000-4000-8000-000000000001"
        let second = "5f3c1a2e-0000-4000-8000-000000000002"
        try sandbox.ping("nightly", .start, at: "2026-11-21T02:00:00Z", rid: first)
        try sandbox.ping("nightly", .start, at: "2026-11-21T02:01:00Z", rid: second)
        try sandbox.ping("nightly", .success, at: "2026-11-21T02:05:00Z", rid: first)
        _ = try sandbox.scan(at: "2026-11-21T02:06:00Z")
        var run = try sandbox.occurrence("nightly", "2026-11-21T02:00:00Z")
        #expect(run.state == .success)
        #expect(run.figures?.duration == 300, "paired with the start of its own rid, not the latest start")

        // The second run is still within its window's length at 05:00.
        _ = try sandbox.scan(at: "2026-11-21T05:00:59Z")
        #expect(try sandbox.occurrence("nightly", "2026-11-21T02:00:00Z").state == .success)
        _ = try sandbox.scan(at: "2026-11-21T05:01:00Z")
        run = try sandbox.occurrence("nightly", "2026-11-21T02:00:00Z")
        #expect(run.state == .failed)
        #expect(run.message == "started at 2026-11-21T02:01:00Z and did not finish within 3h")
        #expect(run.finishedAt == Self.time("2026-11-21T05:01:00Z"))

        // Judged once: later scans record nothing more.
        let again = try sandbox.scan(at: "2026-11-21T06:00:00Z")
        #expect(again.statusFiles == 0)
    }

    @Test("a start without a finish within expect.max_duration is FAILED once that has passed, not before")
    func maxDuration() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.ping("short", .start, at: "2026-11-21T02:00:00Z")
        _ = try sandbox.scan(at: "2026-11-21T02:29:00Z")
        #expect(try sandbox.occurrence("short", "2026-11-21T02:00:00Z").state == .pending)
        _ = try sandbox.scan(at: "2026-11-21T02:30:00Z")
        let run = try sandbox.occurrence("short", "2026-11-21T02:00:00Z")
        #expect(run.state == .failed)
        #expect(run.message == "started at 2026-11-21T02:00:00Z and did not finish within 30m")
    }

    @Test("a start replaced by a later one is not a failure, unless it had already overrun")
    func replacedStarts() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // Replaced within its deadline (a retry): only the retry counts.
        try sandbox.ping("short", .start, at: "2026-11-21T02:00:00Z")
        try sandbox.ping("short", .start, at: "2026-11-21T02:10:00Z")
        try sandbox.ping("short", .success, at: "2026-11-21T02:20:00Z")
        _ = try sandbox.scan(at: "2026-11-21T03:00:00Z")
        var run = try sandbox.occurrence("short", "2026-11-21T02:00:00Z")
        #expect(run.state == .success)
        #expect(run.figures?.duration == 600)

        // The next day, the first start overran its 30 minutes before the second came.
        try sandbox.ping("short", .start, at: "2026-11-22T02:00:00Z")
        try sandbox.ping("short", .start, at: "2026-11-22T02:45:00Z")
        _ = try sandbox.scan(at: "2026-11-22T02:50:00Z")
        run = try sandbox.occurrence("short", "2026-11-22T02:00:00Z")
        #expect(run.state == .failed)
        #expect(run.message == "started at 2026-11-22T02:00:00Z and did not finish within 30m (a later start replaced it)")
    }

    @Test("failures carry the body or the exit status; a log is never a run; exit 0 is a success")
    func failuresAndLogs() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.ping("nightly", .log, at: "2026-11-21T02:01:00Z", body: "still going")
        _ = try sandbox.scan(at: "2026-11-21T02:02:00Z")
        #expect(try sandbox.occurrence("nightly", "2026-11-21T02:00:00Z").state == .pending)
        try sandbox.ping("nightly", .fail, at: "2026-11-21T02:03:00Z", exitCode: 3, body: "disk full")
        _ = try sandbox.scan(at: "2026-11-21T02:04:00Z")
        var run = try sandbox.occurrence("nightly", "2026-11-21T02:00:00Z")
        #expect(run.state == .failed)
        #expect(run.message == "exit status 3: disk full")

        try sandbox.ping("nightly", .fail, at: "2026-11-22T02:03:00Z")
        _ = try sandbox.scan(at: "2026-11-22T02:04:00Z")
        run = try sandbox.occurrence("nightly", "2026-11-22T02:00:00Z")
        #expect(run.state == .failed)
        #expect(run.message == "the producer reported a failure (/fail ping)")

        // A retry the same night succeeds: the latest finish gives the verdict.
        try sandbox.ping("nightly", .success, at: "2026-11-22T02:30:00Z", exitCode: 0)
        _ = try sandbox.scan(at: "2026-11-22T02:31:00Z")
        run = try sandbox.occurrence("nightly", "2026-11-22T02:00:00Z")
        #expect(run.state == .success)
        #expect(run.message == nil)
    }

    @Test("pings for an unknown job, a status-file job or a retired job are refused and not stored")
    func notPingJobs() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        #expect(try sandbox.ping("files", .success, at: "2026-11-21T02:00:00Z") == .notAPingJob)
        #expect(try sandbox.ping("nobody", .success, at: "2026-11-21T02:00:00Z") == .notAPingJob)
        #expect(try sandbox.store.recentPings(job: "files", limit: 10).isEmpty)
        _ = try sandbox.scan(at: "2026-11-21T06:00:00Z")
        #expect(try sandbox.occurrence("files", "2026-11-21T02:00:00Z").state == .missing)
        #expect(try sandbox.occurrence("nightly", "2026-11-21T02:00:00Z").state == .missing)
    }

    @Test("a flood of pings is judged a batch per scan, and the table keeps only a short history")
    func floodIsBounded() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let base = Self.time("2026-11-21T02:00:00Z")
        for index in 0..<1_200 {
            _ = try sandbox.store.record(
                ping: ReceivedPing(job: "nightly", kind: index % 2 == 0 ? .success : .log, receivedAt: base.addingTimeInterval(Double(index))))
        }
        let first = try sandbox.scan(at: "2026-11-21T03:00:00Z")
        #expect(first.statusFiles == PingSource().batch, "one scan judges at most one batch")
        let second = try sandbox.scan(at: "2026-11-21T03:00:01Z")
        #expect(second.statusFiles == 100)
        _ = try sandbox.scan(at: "2026-11-21T03:00:02Z")
        #expect(try sandbox.store.unprocessedPings(job: "nightly", limit: 10_000).isEmpty)
        #expect(try sandbox.store.recentPings(job: "nightly", limit: 10_000).count == StateStore.keptProcessedPings)
        #expect(try sandbox.occurrence("nightly", "2026-11-21T02:00:00Z").state == .success)
    }
}
