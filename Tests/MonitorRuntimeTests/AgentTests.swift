import Foundation
import MonitorCore
import MonitorStore
import MonitorTestSupport
import Testing

@testable import MonitorRuntime

/// Agents of a shared PostgreSQL state (SPEC §12), on a real server: each scans only its host's
/// destinations; one that stops reporting is found down by another (one AGENT_DOWN per route
/// that hears MISSING of its jobs, its jobs UNKNOWN), and AGENT_UP follows when it is back.
/// Liveness is the database's clock: an agent's silence is made by moving its `last_seen` back.
@Suite(.enabled(if: TestPostgres.isAvailable, "PostgreSQL is not installed here")) struct AgentTests {
    static func time(_ text: String) -> Date { Timestamp.parse(text)! }

    struct Sandbox {
        let root: URL
        let store: StateStore
        let url: String

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-agents-\(UUID().uuidString)")
            try TestState.passwordSet.get()
            url = try TestPostgres.shared.makeDatabase().url
            store = try StateStore.open(path: url, create: true)
            var destinations: [Destination] = []
            for host in ["alpha", "beta"] {
                let path = root.appendingPathComponent(host).path
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                var destination = Destination(name: "disk-\(host)", path: path)
                destination.host = host
                destinations.append(destination)
            }
            let schedule = try CronSchedule(parsing: "0 2 * * *")
            let jobs = ["alpha", "beta"].map {
                var job = Job(name: "db-\($0)", destination: "disk-\($0)", schedule: schedule, window: TimeSpan(seconds: 3600))
                job.routes = ["ops", "failures-only"]
                return job
            }
            let hook = AlertRoute(name: "ops", channel: .webhook(WebhookChannel(target: .url("http://127.0.0.1:9/hook"))))
            let quiet = AlertRoute(
                name: "failures-only", channel: .webhook(WebhookChannel(target: .url("http://127.0.0.1:9/other"))), on: [.verdict(.failed)])
            try store.apply(
                DesiredState(settings: Settings(state: url), destinations: destinations, routes: [hook, quiet], jobs: jobs),
                baseRevision: 0,
                context: ApplyContext(configPath: "/etc/monitor.yaml", git: nil, user: "t", host: "h", now: time("2026-11-20T12:00:00Z")))
        }

        func scan(as agent: String, at now: String) throws -> ScanSummary {
            try Scanner(store: store).scan(now: time(now), agent: agent)
        }

        func outbox() throws -> [String] {
            try TestPostgres.shared.psql(url, "SELECT event || ' ' || route || ' ' || job FROM outbox ORDER BY id").split(separator: "\n").map(
                String.init)
        }

        func statuses() throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try store.jobViews(now: time("2026-11-21T12:00:00Z")).map { ($0.name, $0.status.rawValue) })
        }

        /// The agent has not reported for an hour, by the database's clock (three 15-minute intervals).
        func silence(_ agent: String) throws {
            try TestPostgres.shared.psql(url, "UPDATE agent SET last_seen = now() - interval '1 hour' WHERE name = '\(agent)'")
        }
    }

    @Test func eachAgentScansOnlyItsHostsDestinationsAndReportsItself() throws {
        let box = try Sandbox()
        defer { try? FileManager.default.removeItem(at: box.root) }
        #expect(try box.scan(as: "alpha", at: "2026-11-21T12:00:00Z").jobs == 1)
        // alpha's scan judged its own job (MISSING: nothing landed) and left beta's alone.
        #expect(try box.statuses() == ["db-alpha": "MISSING", "db-beta": "NEW"])
        let outbox1 = try box.outbox()

        #expect(outbox1 == ["MISSING ops db-alpha"])
        let agents = try box.store.agents()
        #expect(agents.map(\.name) == ["alpha"])
        #expect(agents.first?.destinations == ["disk-alpha"])
        #expect(agents.first?.isDown == false)
        // A host never seen is not down: beta has no heartbeat yet, and nothing is said of it.
        #expect(try box.scan(as: "alpha", at: "2026-11-21T12:15:00Z").jobs == 1)
        let outbox2 = try box.outbox()

        #expect(outbox2 == ["MISSING ops db-alpha"])
    }

    @Test func aSilentAgentIsDownOnceItsJobsUnknownThenUpAgain() throws {
        let box = try Sandbox()
        defer { try? FileManager.default.removeItem(at: box.root) }
        _ = try box.scan(as: "beta", at: "2026-11-21T01:00:00Z")
        _ = try box.scan(as: "alpha", at: "2026-11-21T12:00:00Z")
        try box.silence("beta")
        // Any agent finds beta down; three agents looking, or one looking thrice, say it once.
        for _ in 0..<3 { _ = try box.scan(as: "alpha", at: "2026-11-21T12:00:00Z") }
        let outbox3 = try box.outbox()

        #expect(outbox3 == ["MISSING ops db-alpha", "AGENT_DOWN ops "])
        #expect(try box.store.agents().map { "\($0.name) \($0.isDown ? "down" : "up")" } == ["alpha up", "beta down"])
        // Its job is UNKNOWN, not MISSING, though its window has ended.
        #expect(try box.statuses()["db-beta"] == "UNKNOWN")
        #expect(try box.statuses()["db-alpha"] == "MISSING")
        // Back: AGENT_UP to the same route, then its catch-up judges what it missed.
        _ = try box.scan(as: "beta", at: "2026-11-21T12:00:00Z")
        let outbox4 = try box.outbox()

        #expect(outbox4 == ["MISSING ops db-alpha", "AGENT_DOWN ops ", "AGENT_UP ops ", "MISSING ops db-beta"])
        #expect(try box.statuses()["db-beta"] == "MISSING")
        #expect(try box.store.agents().allSatisfy { !$0.isDown })
        // A second outage is a new notification, not a duplicate of the first. (Outages are keyed
        // by when they were found, to the second: real ones are three scan intervals apart.)
        Thread.sleep(forTimeInterval: 1.1)
        try box.silence("beta")
        _ = try box.scan(as: "alpha", at: "2026-11-21T12:00:00Z")
        #expect(try box.outbox().filter { $0.hasPrefix("AGENT_DOWN") }.count == 2)
    }

    @Test func aScanOfSomeJobsStillRoutesAnAgentDownByAllItsJobs() throws {
        let box = try Sandbox()
        defer { try? FileManager.default.removeItem(at: box.root) }
        _ = try box.scan(as: "beta", at: "2026-11-21T01:00:00Z")
        try box.silence("beta")
        // A scan of alpha's one job (a ping's, say) finds beta down: its routes come from beta's jobs.
        _ = try Scanner(store: box.store).scan(now: Self.time("2026-11-21T01:00:00Z"), jobs: ["db-alpha"], agent: "alpha")
        let outbox = try box.outbox()
        #expect(outbox == ["AGENT_DOWN ops "])
    }

    @Test func afterAnOutageOfTheDatabaseNoAgentIsFoundDownByTheFirstOneBack() throws {
        let box = try Sandbox()
        defer { try? FileManager.default.removeItem(at: box.root) }
        _ = try box.scan(as: "alpha", at: "2026-11-21T01:00:00Z")
        _ = try box.scan(as: "beta", at: "2026-11-21T01:00:00Z")
        // The database was out of everyone's reach for an hour: every heartbeat is old.
        try box.silence("alpha")
        try box.silence("beta")
        _ = try box.scan(as: "alpha", at: "2026-11-21T01:00:00Z")
        #expect(try box.outbox().isEmpty, "alpha, itself back from a silence, gives beta a scan interval to report")
        _ = try box.scan(as: "beta", at: "2026-11-21T01:00:00Z")
        _ = try box.scan(as: "alpha", at: "2026-11-21T01:00:00Z")
        let outbox = try box.outbox()
        #expect(outbox.isEmpty)
        #expect(try box.store.agents().allSatisfy { !$0.isDown })
        // One that really stays silent is found at alpha's next scan.
        try box.silence("beta")
        _ = try box.scan(as: "alpha", at: "2026-11-21T01:00:00Z")
        let after = try box.outbox()
        #expect(after == ["AGENT_DOWN ops "])
    }

    @Test func twoScansOfOneHostAreSerialized() throws {
        let box = try Sandbox()
        defer { try? FileManager.default.removeItem(at: box.root) }
        let held = try #require(try box.store.lockScans(of: "alpha"))
        // Another process (another connection) cannot take it while held; another host can.
        let other = try StateStore.open(path: box.url, create: false)
        #expect(try other.lockScans(of: "alpha") == nil)
        let beta = try #require(try other.lockScans(of: "beta"))
        beta.release()
        held.release()
        let again = try #require(try other.lockScans(of: "alpha"))
        again.release()
    }
}
