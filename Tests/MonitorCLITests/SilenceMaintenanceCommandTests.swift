import Foundation
import MonitorTestSupport
import Testing

/// Silences and maintenance windows end to end (SPEC §16), through the built executable, with
/// mail delivered to a real SMTP server: what is silenced is recorded and never sent, what is
/// under maintenance is SKIPPED, and everything else still mails.
@Suite(.timeLimit(.minutes(3))) struct SilenceMaintenanceCommandTests {
    let secret = ["SMTP_PASSWORD": "s3cret"]

    /// Jobs daily at 02:00 UTC with a 3 h window, all routed to one mail route.
    func config(port: Int, caFile: URL, jobs: String, extra: String = "") -> String {
        """
        version: 1
        settings:
          state: state/monitor.sqlite
        destinations:
          nas:
            path: backups
        alert_routes:
          ops-email:
            email:
              to: [ops@example.com]
              from: monitor@example.com
              smtp_url: smtp://127.0.0.1:\(port)
              ca_file: \(caFile.path)
              username: monitor
              password_env: SMTP_PASSWORD
        jobs:
        \(jobs)
        \(extra)
        """
    }

    static func job(_ name: String, labels: String, maintenance: String = "") -> String {
        """
          \(name):
            destination: nas
            schedule: "0 2 * * *"
            window: 3h
            timezone: UTC
            routes: [ops-email]
            labels: \(labels)
        \(maintenance)
        """
    }

    func sandbox(_ text: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-silence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("backups"), withIntermediateDirectories: true)
        try text.write(to: root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    @discardableResult
    func monitor(_ arguments: [String], in root: URL, exit: Int32 = 0) throws -> ProcessResult {
        let result = try runMonitor(arguments, env: secret, cwd: root)
        #expect(result.exit == exit, "monitor \(arguments.joined(separator: " ")): \(result.stdout)\(result.stderr)")
        return result
    }

    func seal(_ job: String, _ status: String, finishedAt: String, in root: URL) throws {
        let staging = root.appendingPathComponent("backups/\(job)/staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try Data("dump \(finishedAt)\n".utf8).write(to: staging.appendingPathComponent("dump.sql"))
        try monitor(
            ["seal", "backups/\(job)/staging", "--status", status, "--finished-at", finishedAt, "--message", "\(job) said \(status)"], in: root)
    }

    /// `scheduled_at → (state, silenced)` of a job's occurrences, from `status --job --format json`.
    func history(_ job: String, in root: URL, now: String) throws -> [String: (state: String, silenced: Bool)] {
        let result = try monitor(["status", "--job", job, "--format", "json", "--now", now], in: root)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        var rows: [String: (String, Bool)] = [:]
        for occurrence in object?["occurrences"] as? [[String: Any]] ?? [] {
            rows[occurrence["scheduled_at"] as? String ?? ""] = (occurrence["state"] as? String ?? "", occurrence["silenced"] as? Bool ?? false)
        }
        return rows
    }

    @Test func aSilenceInTheConfigurationHoldsBackAFailedAndItsResolvedWhileOtherJobsStillMail() throws {
        let server = try MailServer()
        let silence = """
            silences:
              - match: {team: data}
                from: "2026-11-21T00:00:00Z"
                until: "2026-11-22T00:00:00Z"
                reason: storage migration
            """
        let root = try sandbox(
            config(
                port: server.port, caFile: server.certificate,
                jobs: Self.job("db", labels: "{team: data}") + "\n" + Self.job("web", labels: "{team: web}"), extra: silence))
        defer { try? FileManager.default.removeItem(at: root) }
        try monitor(["apply", "--now", "2026-11-20T12:00:00Z"], in: root)

        // Both fail while the silence holds: only web's FAILED is sent.
        try seal("db", "FAILED", finishedAt: "2026-11-21T02:30:00Z", in: root)
        try seal("web", "FAILED", finishedAt: "2026-11-21T02:30:00Z", in: root)
        let first = try monitor(["scan", "--now", "2026-11-21T03:00:00Z"], in: root)
        #expect(first.stdout.contains("1 notification sent"), "\(first.stdout)")
        // db is back after the silence ended: the RESOLVED of its silenced problem is not sent.
        try seal("db", "SUCCESS", finishedAt: "2026-11-22T02:20:00Z", in: root)
        try monitor(["scan", "--now", "2026-11-22T02:30:00Z"], in: root)
        // A new failure of db, with no silence holding, is sent.
        try seal("db", "FAILED", finishedAt: "2026-11-23T02:20:00Z", in: root)
        try monitor(["scan", "--now", "2026-11-23T02:30:00Z"], in: root)
        // Scanning again sends nothing more, silenced rows included.
        try monitor(["scan", "--now", "2026-11-23T02:45:00Z"], in: root)

        let subjects = try server.received().map { $0.headers["subject"] ?? "" }
        #expect(subjects.count == 3, "\(subjects)")
        #expect(subjects.filter { $0.hasPrefix("[monitor] FAILED web") }.count == 1)
        #expect(subjects.filter { $0.hasPrefix("[monitor] MISSING web") }.count == 1)
        #expect(subjects.filter { $0.hasPrefix("[monitor] FAILED db") }.count == 1)
        #expect(subjects.filter { $0.contains("FAILED db") }.allSatisfy { $0.contains("2026-11-23") }, "\(subjects)")
        #expect(!subjects.contains { $0.hasPrefix("[monitor] RESOLVED") })

        // The history says which runs had their notifications held back.
        let history = try history("db", in: root, now: "2026-11-23T02:45:00Z")
        #expect(history["2026-11-21T02:00:00Z"]?.state == "FAILED")
        #expect(history["2026-11-21T02:00:00Z"]?.silenced == true)
        #expect(history["2026-11-22T02:00:00Z"]?.state == "SUCCESS")
        #expect(history["2026-11-22T02:00:00Z"]?.silenced == true, "its RESOLVED was silenced")
        #expect(history["2026-11-23T02:00:00Z"]?.silenced == false)
        #expect(try self.history("web", in: root, now: "2026-11-23T02:45:00Z")["2026-11-21T02:00:00Z"]?.silenced == false)
    }

    @Test func silenceAddListAndExpireManageSilencesInTheState() throws {
        let server = try MailServer()
        let root = try sandbox(
            config(
                port: server.port, caFile: server.certificate,
                jobs: Self.job("db", labels: "{team: data}") + "\n" + Self.job("web", labels: "{team: web}")))
        defer { try? FileManager.default.removeItem(at: root) }
        try monitor(["apply", "--now", "2026-11-20T12:00:00Z"], in: root)

        let added = try monitor(["silence", "add", "--job", "db", "--for", "2h", "--reason", "disk swap", "--now", "2026-11-21T02:00:00Z"], in: root)
        #expect(added.stdout == "1\n")
        // Mistakes are refused, and nothing is added.
        let tooLong = try monitor(["silence", "add", "--match", "team=data", "--for", "31d", "--reason", "x"], in: root, exit: 1)
        #expect(tooLong.stderr.contains("30d"), "\(tooLong.stderr)")
        let unknown = try monitor(["silence", "add", "--job", "dbb", "--for", "1h", "--reason", "x"], in: root, exit: 1)
        #expect(unknown.stderr.contains("no active job named \"dbb\"") && unknown.stderr.contains("did you mean \"db\"?"), "\(unknown.stderr)")
        let nothing = try runMonitor(["silence", "add", "--for", "1h", "--reason", "x"], env: secret, cwd: root)
        #expect(nothing.exit != 0 && nothing.stderr.contains("--job NAME or --match LABEL=VALUE"), "\(nothing.stderr)")
        let badMatch = try monitor(["silence", "add", "--match", "team", "--for", "1h", "--reason", "x"], in: root, exit: 1)
        #expect(badMatch.stderr.contains("LABEL=VALUE"))
        let noDuration = try monitor(["silence", "add", "--job", "db", "--for", "soon", "--reason", "x"], in: root, exit: 1)
        #expect(noDuration.stderr.contains("--for soon"))

        let listed = try monitor(["silence", "list", "--now", "2026-11-21T03:00:00Z"], in: root)
        #expect(listed.stdout.contains("job=db"), "\(listed.stdout)")
        #expect(listed.stdout.contains("active") && listed.stdout.contains("disk swap") && listed.stdout.contains("2026-11-21T04:00:00Z"))
        let json = try monitor(["silence", "list", "--format", "json", "--now", "2026-11-21T03:00:00Z"], in: root)
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let silences = document?["silences"] as? [[String: Any]] ?? []
        #expect(silences.count == 1)
        #expect(silences.first?["id"] as? Int == 1)
        #expect(silences.first?["state"] as? String == "active")
        #expect(silences.first?["source"] as? String == "state")
        #expect(silences.first?["from"] as? String == "2026-11-21T02:00:00Z")
        #expect(silences.first?["until"] as? String == "2026-11-21T04:00:00Z")
        #expect((silences.first?["match"] as? [String: Any])?["job"] as? String == "db")

        // A FAILED while it holds is recorded, not sent; web is not silenced.
        try seal("db", "FAILED", finishedAt: "2026-11-21T02:30:00Z", in: root)
        try seal("web", "FAILED", finishedAt: "2026-11-21T02:30:00Z", in: root)
        let scan = try monitor(["scan", "--now", "2026-11-21T03:00:00Z"], in: root)
        #expect(scan.stdout.contains("1 notification sent"), "\(scan.stdout)")

        let expired = try monitor(["silence", "expire", "1", "--now", "2026-11-21T03:30:00Z"], in: root)
        #expect(expired.stdout.contains("Expired silence 1"))
        #expect(try monitor(["silence", "list", "--now", "2026-11-21T03:31:00Z"], in: root).stdout == "No silence.\n")
        let all = try monitor(["silence", "list", "--all", "--now", "2026-11-21T03:31:00Z"], in: root)
        #expect(all.stdout.contains("expired") && all.stdout.contains("2026-11-21T03:30:00Z"), "\(all.stdout)")
        let again = try monitor(["silence", "expire", "1", "--now", "2026-11-21T03:40:00Z"], in: root, exit: 1)
        #expect(again.stderr.contains("already ended"))
        let missing = try monitor(["silence", "expire", "42"], in: root, exit: 1)
        #expect(missing.stderr.contains("no silence with id 42"))

        // The next failure of db is sent; the silenced one never is.
        try seal("db", "FAILED", finishedAt: "2026-11-22T02:30:00Z", in: root)
        try monitor(["scan", "--now", "2026-11-22T03:00:00Z"], in: root)
        // web's second run is still within its window at 03:00: FAILED web, then FAILED db.
        let subjects = try server.received().map { $0.headers["subject"] ?? "" }
        #expect(subjects.count == 2, "\(subjects)")
        #expect(subjects.first?.hasPrefix("[monitor] FAILED web") == true)
        #expect(subjects.filter { $0.hasPrefix("[monitor] FAILED db") }.count == 1)
        #expect(subjects.filter { $0.hasPrefix("[monitor] FAILED db") }.allSatisfy { $0.contains("2026-11-22") })

        // `plan` shows the silences that hold now (by the real clock).
        try monitor(["silence", "add", "--match", "team=web", "--for", "1h", "--reason", "web deploy"], in: root)
        let plan = try monitor(["plan"], in: root)
        #expect(plan.stdout.contains("Silences active now"), "\(plan.stdout)")
        #expect(plan.stdout.contains("team=web") && plan.stdout.contains("web deploy"))
        #expect(!plan.stdout.contains("disk swap"))
    }

    @Test func aRunInsideMaintenanceIsSkippedWhileOneOutsideIsMissingAndAReportedOneIsJudged() throws {
        let server = try MailServer()
        // Every Sunday 01:00–07:00 UTC; 2026-11-22 is a Sunday, its run's window is 02:00–05:00.
        let sundays = """
                maintenance:
                  - schedule: "0 1 * * SUN"
                    duration: 6h
            """
        let root = try sandbox(
            config(
                port: server.port, caFile: server.certificate,
                jobs: [
                    Self.job("db", labels: "{team: data}", maintenance: sundays), Self.job("files", labels: "{team: data}", maintenance: sundays),
                    Self.job("web", labels: "{team: web}"),
                ].joined(separator: "\n")))
        defer { try? FileManager.default.removeItem(at: root) }
        try monitor(["apply", "--now", "2026-11-21T12:00:00Z"], in: root)
        try seal("files", "SUCCESS", finishedAt: "2026-11-22T02:30:00Z", in: root)
        try monitor(["scan", "--now", "2026-11-22T06:00:00Z"], in: root)

        let subjects = try server.received().map { $0.headers["subject"] ?? "" }
        #expect(subjects.count == 1, "\(subjects)")
        #expect(subjects.first?.hasPrefix("[monitor] MISSING web") == true)
        #expect(try history("db", in: root, now: "2026-11-22T06:00:00Z")["2026-11-22T02:00:00Z"]?.state == "SKIPPED")
        #expect(try history("files", in: root, now: "2026-11-22T06:00:00Z")["2026-11-22T02:00:00Z"]?.state == "SUCCESS")
        #expect(try history("web", in: root, now: "2026-11-22T06:00:00Z")["2026-11-22T02:00:00Z"]?.state == "MISSING")

        // A skipped run is no status: db has none yet; it shows in its history and in the report.
        let status = try monitor(["status", "--format", "json", "--now", "2026-11-22T06:00:00Z"], in: root)
        let jobs = (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["jobs"] as? [[String: Any]] ?? []
        #expect(jobs.first { $0["name"] as? String == "db" }?["status"] as? String == "NEW")
        let detail = try monitor(["status", "--job", "db", "--now", "2026-11-22T06:00:00Z"], in: root)
        #expect(detail.stdout.contains("SKIPPED"), "\(detail.stdout)")
        try monitor(["report", "--output", "report.html", "--now", "2026-11-22T06:00:00Z"], in: root)
        let report = try String(contentsOf: root.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("v-SKIPPED"))
    }
}
