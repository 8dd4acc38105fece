import Foundation
import MonitorTestSupport
import Testing

/// Failures that look like success (SPEC §15), end to end through the built executable with a
/// simulated clock: a dump that shrank, an empty dump, a job that stopped being refreshed, and
/// retention that keeps the last good version. Alerts go through a real SMTP server.
@Suite(.timeLimit(.minutes(3))) struct SilentFailureTests {
    /// A sandbox whose job `db` (the YAML below `db:` after its destination and route) alerts
    /// route `ops-email` through `server`.
    func sandbox(_ job: String, keepVersions: Int = 30, server: MailServer) throws -> BackupSandbox {
        try BackupSandbox(
            jobs: """
                  db:
                    destination: nas
                    routes: [ops-email]
                \(job)
                """, keepVersions: keepVersions, routes: "  ops-email:\n" + server.route, environment: MailServer.environment)
    }

    /// A night's dump of `bytes` bytes, sealed as finished at `finishedAt` after running `minutes`.
    func night(_ finishedAt: String, bytes: Int, minutes: Int = 40, in box: BackupSandbox) throws {
        let staging = box.staging("db")
        try? FileManager.default.removeItem(at: staging)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        var content = Data("-- dump \(finishedAt)\n".utf8)
        content.append(Data(repeating: UInt8(ascii: "x"), count: max(0, bytes - content.count)))
        try content.prefix(bytes).write(to: staging.appendingPathComponent("dump.sql"))
        let finished = date(finishedAt)
        let started = ISO8601DateFormatter().string(from: finished.addingTimeInterval(TimeInterval(-minutes * 60)))
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--started-at", started, "--finished-at", finishedAt])
    }

    static func day(_ day: Int, _ time: String = "02:40:00") -> String { String(format: "2026-11-%02dT\(time)Z", day) }

    @Test func fifteenNormalNightsThenOneAtEightPercentIsSuspiciousWithOneMail() throws {
        let server = try MailServer()
        let box = try sandbox(
            """
                schedule: "0 2 * * *"
                window: 3h
            """, server: server)
        try box.monitor(["apply", "--now", "2026-11-01T12:00:00Z"])
        for day in 2...16 {
            try night(Self.day(day), bytes: 150_000 + day * 700, in: box)
            try box.monitor(["scan", "--now", Self.day(day, "03:00:00")])
        }
        #expect(try server.received().isEmpty, "normal nights send nothing")
        try night(Self.day(17), bytes: 12_400, in: box)
        let scan = try box.monitor(["scan", "--now", Self.day(17, "03:00:00")])
        #expect(scan.stdout.contains("1 notification sent"), "\(scan.stdout)")
        try box.monitor(["scan", "--now", Self.day(17, "04:00:00")])

        let status = try box.status("db", now: Self.day(17, "04:00:00"))
        #expect(status["status"] as? String == "SUSPICIOUS")
        let latest = try #require(status["latest"] as? [String: Any])
        let message = try #require(latest["message"] as? String)
        #expect(message.contains("total size 12.1 KiB is 92 % below the median"), "\(message)")
        #expect(message.contains("of the last 15 runs"), "\(message)")
        // Promoted like a SUCCESS: current_version is the new, small one.
        #expect((status["current_version"] as? [String: Any])?["bytes"] as? Int == 12_400)

        let mails = try server.received()
        #expect(mails.count == 1)
        #expect(mails.first?.headers["subject"]?.hasPrefix("[monitor] SUSPICIOUS db") == true, "\(mails.first?.headers ?? [:])")
        #expect(mails.first?.text?.contains("92 % below the median") == true)

        // The next normal night is SUCCESS again, RESOLVED, and judged against a baseline without the small one.
        try night(Self.day(18), bytes: 150_000 + 18 * 700, in: box)
        try box.monitor(["scan", "--now", Self.day(18, "03:00:00")])
        #expect(try box.status("db", now: Self.day(18, "03:00:00"))["status"] as? String == "SUCCESS")
        #expect(try server.received().map { $0.headers["subject"] ?? "" }.last?.hasPrefix("[monitor] RESOLVED db") == true)
    }

    @Test func anEmptyDumpIsSuspiciousOnItsFirstNight() throws {
        let server = try MailServer()
        let box = try sandbox(
            """
                schedule: "0 2 * * *"
                window: 3h
            """, server: server)
        try box.monitor(["apply", "--now", "2026-11-01T12:00:00Z"])
        try night(Self.day(2), bytes: 0, in: box)
        try box.monitor(["scan", "--now", Self.day(2, "03:00:00")])
        let status = try box.status("db", now: Self.day(2, "03:00:00"))
        #expect(status["status"] as? String == "SUSPICIOUS")
        #expect(((status["latest"] as? [String: Any])?["message"] as? String)?.hasPrefix("the files total 0 bytes") == true)
        #expect(try server.received().count == 1)
        // The text form says what to do, and that the history is too short to judge by yet.
        let text = try box.monitor(["status", "--job", "db", "--now", Self.day(2, "03:00:00")]).stdout
        #expect(text.contains("what to do: The backup looks unlike its own history"), "\(text)")
        #expect(text.contains("anomaly detection: 0 of the 10 SUCCESS runs it needs"), "\(text)")
        #expect(status["baseline_runs"] == nil, "the JSON shape is unchanged")
    }

    @Test func aWeeklyCopyOlderThanMaxAgeIsStaleOnceThenResolved() throws {
        let server = try MailServer()
        let box = try sandbox(
            """
                schedule: "0 2 * * MON"
                window: 3h
                max_age: 3d
            """, server: server)
        try box.monitor(["apply", "--now", "2026-11-01T12:00:00Z"])
        // Monday 2026-11-02: a good copy.
        try night(Self.day(2), bytes: 1_000, in: box)
        try box.monitor(["scan", "--now", Self.day(2, "03:00:00")])
        #expect(try box.status("db", now: Self.day(5, "02:00:00"))["status"] as? String == "SUCCESS", "not yet 3 days old")
        try box.monitor(["scan", "--now", Self.day(5, "03:00:00")])
        #expect(try box.status("db", now: Self.day(5, "03:00:00"))["status"] as? String == "STALE")
        try box.monitor(["scan", "--now", Self.day(6, "03:00:00")])
        var subjects = try server.received().map { $0.headers["subject"] ?? "" }
        #expect(subjects.count == 1 && subjects.first?.hasPrefix("[monitor] STALE db") == true, "one event per stale period: \(subjects)")
        // Monday 2026-11-09: a fresh copy ends it.
        try night(Self.day(9), bytes: 1_000, in: box)
        try box.monitor(["scan", "--now", Self.day(9, "03:00:00")])
        #expect(try box.status("db", now: Self.day(9, "03:00:00"))["status"] as? String == "SUCCESS")
        subjects = try server.received().map { $0.headers["subject"] ?? "" }
        #expect(subjects.count == 2 && subjects.last?.hasPrefix("[monitor] RESOLVED db") == true, "\(subjects)")
    }

    @Test func retentionKeepsTheLastGoodVersionThroughSeveralSuspiciousOnes() throws {
        let server = try MailServer()
        let box = try sandbox(
            """
                schedule: "0 2 * * *"
                window: 3h
                expect: {min_bytes: 10KB}
            """, keepVersions: 2, server: server)
        try box.monitor(["apply", "--now", "2026-11-01T12:00:00Z"])
        try night(Self.day(2), bytes: 20_000, in: box)
        try box.monitor(["scan", "--now", Self.day(2, "03:00:00")])
        let versions = box.backups.appendingPathComponent("db/versions")
        let good = try #require(try FileManager.default.contentsOfDirectory(atPath: versions.path).first)
        for day in 3...6 {
            try night(Self.day(day), bytes: 2_000, in: box)
            try box.monitor(["scan", "--now", Self.day(day, "03:00:00")])
        }
        let kept = try FileManager.default.contentsOfDirectory(atPath: versions.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(kept.count == 3, "the 2 newest, and the last good one: \(kept)")
        #expect(kept.first == good)
        #expect(kept.dropFirst().allSatisfy { $0.hasPrefix("20261105") || $0.hasPrefix("20261106") }, "\(kept)")
        let message = try box.status("db", now: Self.day(6, "03:00:00"))["latest"] as? [String: Any]
        #expect((message?["message"] as? String)?.hasPrefix("total size 2.0 KiB is below min_bytes 10KB") == true, "\(message ?? [:])")
    }

    /// Routes by label (SPEC §16) through the executable: a route with `match:` hears the jobs
    /// whose labels match, though they do not list it, and `plan` says so.
    @Test func aRouteHearsTheJobsItsMatchSelects() throws {
        let server = try MailServer()
        let box = try BackupSandbox(
            jobs: """
                  db:
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                    labels: {team: data, env: prod}
                  web:
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                    labels: {team: web, env: prod}
                """, routes: "  data-team:\n" + server.route + "\n    match: {team: data, env: [prod, staging]}",
            environment: MailServer.environment)
        let plan = try box.monitor(["plan"]).stdout
        #expect(plan.contains("Routes that reach jobs by their labels (match:), besides the jobs' own routes:\n  db → data-team\n"), "\(plan)")
        #expect(!plan.contains("web →"))
        try box.monitor(["apply", "--now", "2026-11-01T12:00:00Z"])
        for job in ["db", "web"] {
            try box.stage(job, ["dump.sql": Data("x".utf8)])
            try box.monitor(["seal", "backups/\(job)/staging", "--status", "FAILED", "--finished-at", "2026-11-02T02:30:00Z"])
        }
        try box.monitor(["scan", "--now", Self.day(2, "03:00:00")])
        let mails = try server.received()
        #expect(mails.count == 1, "only db's team hears it: \(mails.map { $0.headers["subject"] ?? "" })")
        #expect(mails.first?.headers["subject"]?.hasPrefix("[monitor] FAILED db") == true)
    }
}
