import Foundation
import MonitorCore
import MonitorTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Several agents on one PostgreSQL state, end to end: real `monitor run --host` processes, a
/// real PostgreSQL server and a real SMTP server (aiosmtpd). Every problem is mailed exactly
/// once however many agents deliver, a delivery cut short by a killed agent is finished by
/// another, and a stopped agent is reported down, then up again, with its jobs UNKNOWN meanwhile.
///
/// Two things are hastened by moving a time back in the database, as the store-level
/// `AgentTests` do, instead of waiting for it: an agent's `last_seen` (found down after three
/// scan intervals, 30 s at the shortest) and a killed agent's delivery claim (10 minutes).
// Serialized, and waiting with `await`: real daemons take seconds to act, and three such tests at
// once would hold the test process's few threads from every other suite.
@Suite(.enabled(if: TestPostgres.isAvailable, "PostgreSQL is not installed here"), .timeLimit(.minutes(3)), .serialized)
struct SeveralAgentsTests {
    /// A configuration shared by the agents of `hosts`: one destination per host, in a folder
    /// of its own (standing for the host's disk), on one PostgreSQL database, mailing one route.
    final class Cluster {
        let root: URL
        let database: String
        let mail: MailServer
        let hosts: [String]
        let environment: [String: String]
        /// The start of the last hour but one (UTC): the scheduled time of the jobs' one ended
        /// occurrence (daily at that hour, a 1 h window, applied an hour before it).
        let slot: Date

        init(hosts: [String], mail: MailServer) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-agents-\(UUID().uuidString)")
            self.hosts = hosts
            self.mail = mail
            try TestState.passwordSet.get()
            let made = try TestPostgres.shared.makeDatabase()
            database = made.url
            environment = MailServer.environment.merging(["PGPASSWORD": made.password, "MONITOR_TOKEN": SeveralAgentsTests.token]) { _, b in b }
            let hour = floor(Date().timeIntervalSince1970 / 3600) * 3600
            slot = Date(timeIntervalSince1970: hour - 2 * 3600)
            for host in hosts {
                try FileManager.default.createDirectory(at: disk(host), withIntermediateDirectories: true)
            }
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        func disk(_ host: String) -> URL { root.appendingPathComponent("host-\(host)/backups") }

        var cron: String {
            let hour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: slot).hour!
            return "0 \(hour) * * *"
        }

        /// Writes `monitor.yaml` with `jobs` (name → host), all daily in the slot's hour and routed to the mail.
        func configure(jobs: [(name: String, host: String)]) throws {
            let destinations = hosts.map { "  disk-\($0):\n    path: \(disk($0).path)\n    host: \($0)" }.joined(separator: "\n")
            let entries = jobs.map {
                """
                  \($0.name):
                    destination: disk-\($0.host)
                    schedule: "\(cron)"
                    window: 1h
                    timezone: UTC
                    routes: [ops-email]
                """
            }.joined(separator: "\n")
            try """
            version: 1
            settings:
              state: \(database)
              scan_interval: 10s
              api_token_env: MONITOR_TOKEN
            destinations:
            \(destinations)
            alert_routes:
              ops-email:
            \(mail.route)
            jobs:
            \(entries)

            """.write(to: root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        }

        @discardableResult
        func monitor(_ arguments: [String], expecting exit: Int32 = 0, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
            -> ProcessResult
        {
            let result = try runMonitor(arguments, env: environment, cwd: root)
            #expect(
                result.exit == exit, "monitor \(arguments.joined(separator: " ")): \(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
            return result
        }

        /// Applies the configuration as if at `minutes` after an hour before the slot.
        func apply(minutesAfterStart minutes: Int = 0) throws {
            try monitor(["apply", "--now", Timestamp.string(slot.addingTimeInterval(Double(-3600 + 60 * minutes)))])
        }

        /// A run of `job` (on `host`) that finished half an hour into the slot, sealed with `status`.
        func seal(_ job: String, on host: String, _ status: String) throws {
            let staging = disk(host).appendingPathComponent("\(job)/staging")
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
            try Data("dump of \(job)\n".utf8).write(to: staging.appendingPathComponent("dump.sql"))
            try monitor([
                "seal", staging.path, "--status", status, "--finished-at", Timestamp.string(slot.addingTimeInterval(1800)), "--message",
                "\(job) said \(status)",
            ])
        }

        func start(_ host: String) throws -> DaemonProcess {
            try DaemonProcess(in: root, env: environment, extraArguments: ["--host", host])
        }

        @discardableResult
        func psql(_ sql: String) throws -> String { try TestPostgres.shared.psql(database, sql) }

        /// The subjects of the mails received so far, without the `[monitor] ` prefix and the dates.
        func subjects() throws -> [String] {
            try mail.received().map { mail in
                let subject = (mail.headers["subject"] ?? "").replacingOccurrences(of: "[monitor] ", with: "")
                return String(subject.components(separatedBy: " — ").first ?? subject)
            }
        }

        /// Waits until `condition` holds, up to `seconds`.
        func wait(_ seconds: TimeInterval, for condition: () throws -> Bool) rethrows -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try condition() { return true }
                Thread.sleep(forTimeInterval: 0.25)
            }
            return try condition()
        }

        /// The outbox, one row per notification: `event route job delivered attempts`.
        func outbox() throws -> [String] {
            try psql(
                "SELECT event || ' ' || route || ' ' || job || ' ' || (delivered_at IS NOT NULL) || ' ' || attempts FROM outbox ORDER BY id"
            ).split(separator: "\n").map(String.init)
        }

        func undelivered() throws -> Int { Int(try psql("SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL")) ?? -1 }
    }

    /// The API token of the agents (`settings.api_token_env`): `POST /api/scan` needs one.
    static let token = "agents-\(UUID().uuidString)"

    /// Job name → status, as `GET /api/jobs` of `daemon` shows it.
    static func statuses(_ daemon: DaemonProcess) throws -> [String: String] {
        let list = try #require(try daemon.json("GET", "/api/jobs", token: token).body["jobs"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "?", $0["status"] as? String ?? "?") })
    }

    /// Agent name → state, as `GET /api/agents` of `daemon` shows it.
    static func agents(_ daemon: DaemonProcess) throws -> [String: String] {
        let list = try #require(try daemon.json("GET", "/api/agents", token: token).body["agents"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "?", $0["state"] as? String ?? "?") })
    }

    /// The value of `monitor_agent_up{agent="NAME"}` in `/metrics` of `daemon`, if there.
    static func agentUp(_ name: String, on daemon: DaemonProcess) throws -> Double? {
        let metrics = try daemon.request("GET", "/metrics").body
        let prefix = "monitor_agent_up{agent=\"\(name)\"} "
        guard let line = metrics.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return Double(line.dropFirst(prefix.count))
    }

    @Test func threeAgentsMailEachOfNProblemsExactlyOnce() async throws {
        let cluster = try Cluster(hosts: ["a", "b", "c"], mail: try MailServer())
        // Per host: a FAILED run, a job that never ran (MISSING) and a good run (no mail, promoted).
        var jobs: [(name: String, host: String)] = []
        for host in cluster.hosts { jobs += [("fail-\(host)", host), ("miss-\(host)", host), ("ok-\(host)", host)] }
        try cluster.configure(jobs: jobs)
        try cluster.apply()
        for host in cluster.hosts {
            try cluster.seal("fail-\(host)", on: host, "FAILED")
            try cluster.seal("ok-\(host)", on: host, "SUCCESS")
        }

        let agents = try cluster.hosts.map { try cluster.start($0) }
        let problems = cluster.hosts.flatMap { ["FAILED fail-\($0)", "MISSING miss-\($0)"] }.sorted()
        let settled = try cluster.wait(60) { try cluster.outbox().count == problems.count && cluster.undelivered() == 0 }
        let outbox = try cluster.outbox()
        #expect(settled, "outbox: \(outbox)\n\(agents.map(\.log).joined(separator: "\n---\n"))")
        // Two more delivery rounds of every agent (every 5 s): nothing more goes out.
        try await Task.sleep(for: .seconds(6))
        #expect(try cluster.subjects().sorted() == problems)
        // Each notification was claimed once, by one agent, and sent at the first attempt.
        let sent = try cluster.outbox()
        #expect(sent.count == problems.count && sent.allSatisfy { $0.hasSuffix(" true 1") }, "\(sent)")
        // Which agents sent them (each logs its own deliveries): a count over all of them.
        let delivered = agents.map { $0.log.components(separatedBy: "notification delivered").count - 1 }
        #expect(delivered.reduce(0, +) == problems.count, "deliveries per agent: \(delivered)")

        // Each agent promoted its own host's good run, on its own disk.
        for host in cluster.hosts {
            let current = cluster.disk(host).appendingPathComponent("ok-\(host)/current_version")
            #expect(FileManager.default.fileExists(atPath: current.appendingPathComponent("dump.sql").path), "\(host)")
        }
        // Every agent serves the whole state: all nine jobs, and all three agents up.
        var expected: [String: String] = [:]
        for host in cluster.hosts {
            expected["fail-\(host)"] = "FAILED"
            expected["miss-\(host)"] = "MISSING"
            expected["ok-\(host)"] = "SUCCESS"
        }
        for agent in agents {
            // (Another agent's verdicts show once this one sees the state changed: within a second or two.)
            let seen = try cluster.wait(15) { try Self.statuses(agent) == expected }
            let shown = try Self.statuses(agent)
            #expect(seen, "\(shown)")
            #expect(try Self.agents(agent) == ["a": "up", "b": "up", "c": "up"])
            #expect(try Self.agentUp("c", on: agent) == 1)
        }
        let list = try #require(try agents[0].json("GET", "/api/agents", token: Self.token).body["agents"] as? [[String: Any]])
        #expect(list.map { $0["destinations"] as? [String] ?? [] } == [["disk-a"], ["disk-b"], ["disk-c"]])
        #expect(list.allSatisfy { ($0["last_seen"] as? String).flatMap(Timestamp.parse) != nil && $0["version"] is String })
        for agent in agents { #expect(agent.terminate() == 0, "\(agent.log)") }
    }

    @Test func aKilledAgentsDeliveryIsFinishedOnceByAnother() async throws {
        // The server takes the message but never answers the first DATA: the delivery hangs
        // before the message is accepted, so exactly one mail is due in the end (SPEC allows a
        // resend only for a crash after the acceptance and before the record).
        let cluster = try Cluster(hosts: ["a", "b"], mail: try MailServer(arguments: ["--stall-data", "1"]))
        try cluster.configure(jobs: [("fail-a", "a"), ("ok-b", "b")])
        try cluster.apply()
        try cluster.seal("fail-a", on: "a", "FAILED")
        try cluster.seal("ok-b", on: "b", "SUCCESS")

        let a = try cluster.start("a")
        let stalled = cluster.wait(30) { cluster.mail.hasStalled }
        #expect(stalled, "\(a.log)")
        kill(a.process.processIdentifier, SIGKILL)
        a.process.waitUntilExit()
        #expect(try cluster.mail.received().isEmpty)
        // a's claim holds: it was taken once, and nobody has delivered it.
        #expect(try cluster.outbox() == ["FAILED ops-email fail-a false 1"])
        #expect(try cluster.psql("SELECT claimed_until > now() FROM outbox") == "t")

        // b runs (its scan, two delivery rounds) and leaves the claimed notification alone.
        let b = try cluster.start("b")
        let scanned = cluster.wait(20) { b.log.contains("scan finished") }
        #expect(scanned, "\(b.log)")
        try await Task.sleep(for: .seconds(6))
        #expect(try cluster.mail.received().isEmpty)
        #expect(try cluster.outbox() == ["FAILED ops-email fail-a false 1"])

        // The claim expires (moved back rather than waited for: it lasts 10 minutes); b takes it over.
        try cluster.psql("UPDATE outbox SET claimed_until = now() - interval '1 second' WHERE delivered_at IS NULL")
        let sent = try cluster.wait(20) { try cluster.mail.received().count >= 1 }
        #expect(sent, "\(b.log)")
        try await Task.sleep(for: .seconds(6))
        #expect(try cluster.subjects() == ["FAILED fail-a"])
        #expect(try cluster.outbox() == ["FAILED ops-email fail-a true 2"])
        #expect(b.log.contains("notification delivered"), "\(b.log)")
        #expect(b.terminate() == 0, "\(b.log)")
    }

    @Test func aStoppedAgentIsDownOnceThenUpAndCatchesUp() async throws {
        let cluster = try Cluster(hosts: ["a", "b"], mail: try MailServer())
        try cluster.configure(jobs: [("db-a", "a"), ("db-b", "b")])
        try cluster.apply()
        try cluster.seal("db-a", on: "a", "SUCCESS")
        try cluster.seal("db-b", on: "b", "SUCCESS")
        let a = try cluster.start("a")
        var b = try cluster.start("b")
        let judged = try cluster.wait(30) { try Self.statuses(a) == ["db-a": "SUCCESS", "db-b": "SUCCESS"] }
        #expect(judged, "\(a.log)\n---\n\(b.log)")

        // b stops cleanly. While it is away, a job of b's host is added whose window has
        // ended since (applied as of before the slot): b's to judge, nobody else's.
        #expect(b.terminate() == 0, "\(b.log)")
        try cluster.configure(jobs: [("db-a", "a"), ("db-b", "b"), ("late-b", "b")])
        try cluster.apply(minutesAfterStart: 1)
        // Three scan intervals pass by the database's clock (moved back rather than waited for).
        try cluster.psql("UPDATE agent SET last_seen = now() - interval '1 minute' WHERE name = 'b'")
        #expect(try a.json("POST", "/api/scan", token: Self.token).status == 200)
        let told = try cluster.wait(20) { try cluster.subjects() == ["AGENT_DOWN b"] }
        let afterDown = try cluster.subjects()
        #expect(told, "\(afterDown)\n\(a.log)")
        let down = try Self.statuses(a)
        #expect(down == ["db-a": "SUCCESS", "db-b": "UNKNOWN", "late-b": "UNKNOWN"])
        #expect(try Self.agents(a) == ["a": "up", "b": "down"])
        #expect(try Self.agentUp("b", on: a) == 0)
        #expect(try Self.agentUp("a", on: a) == 1)
        // More scans by a: still one AGENT_DOWN, and no MISSING for b's jobs.
        #expect(try a.json("POST", "/api/scan", token: Self.token).status == 200)
        #expect(try a.json("POST", "/api/scan", token: Self.token).status == 200)
        try await Task.sleep(for: .seconds(6))
        #expect(try cluster.subjects() == ["AGENT_DOWN b"])
        let mails = try cluster.mail.received()
        #expect(mails.first?.text?.contains("host b") == true, "\(mails.first?.text ?? "")")

        // b is back: AGENT_UP, then its catch-up finds late-b's run missing.
        b = try cluster.start("b")
        let back = try cluster.wait(30) { try cluster.subjects().count >= 3 }
        let afterUp = try cluster.subjects()
        #expect(back, "\(afterUp)\n\(b.log)")
        try await Task.sleep(for: .seconds(6))
        let subjects = try cluster.subjects()
        #expect(subjects.first == "AGENT_DOWN b")
        #expect(subjects.sorted() == ["AGENT_DOWN b", "AGENT_UP b", "MISSING late-b"])
        let caughtUp = try cluster.wait(15) { try Self.statuses(a) == ["db-a": "SUCCESS", "db-b": "SUCCESS", "late-b": "MISSING"] }
        let shown = try Self.statuses(a)
        #expect(caughtUp, "\(shown)")
        #expect(try Self.agents(b) == ["a": "up", "b": "up"])
        #expect(try Self.agentUp("b", on: a) == 1)
        let outbox = try cluster.outbox()
        #expect(outbox.count == 3 && outbox.allSatisfy { $0.hasSuffix(" true 1") }, "\(outbox)")
        #expect(a.terminate() == 0, "\(a.log)")
        #expect(b.terminate() == 0, "\(b.log)")
    }
}
