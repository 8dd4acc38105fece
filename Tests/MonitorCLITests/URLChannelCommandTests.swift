import Foundation
import MonitorTestSupport
import Testing

/// The URL channel from the command line, with the built executable: `notify test` through each
/// service, PagerDuty's trigger then resolve through scans and the outbox, and `check` on
/// literal secrets.
@Suite(.timeLimit(.minutes(2))) struct URLChannelCommandTests {
    struct Record: Decodable {
        var method: String
        var path: String
        var body: String
        var service: String?
        var status: Int
        var problems: [String]
    }

    static let routingKey = "R0UT1NGKEY0123456789ABCDEFGHIJKL"

    /// The environment of `monitor`: every secret URL is in a variable, as operators are told to do.
    func environment(port: Int) -> [String: String] {
        [
            "NTFY_URL": "ntfy://tk_goodtoken@127.0.0.1:\(port)/backups",
            "GOTIFY_URL": "gotify://127.0.0.1:\(port)/gotify/AgoodToken",
            "TELEGRAM_URL": "tgram://123456:good-token/-1001234567890",
            "DISCORD_URL": "discord://123456789/good-token",
            "PUSHOVER_URL": "pover://uUserKey@azGoodToken",
            "MATRIX_URL": "matrix://syt_good@127.0.0.1:\(port)/%23backups:example.org",
            "PAGERDUTY_URL": "pagerduty://\(Self.routingKey)@APIKEY/db1",
            "TEAMS_URL": "workflows://prod-01.westus.logic.azure.com/wf01/good-sig",
        ]
    }

    func sandbox(port: Int) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-url-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("backups"), withIntermediateDirectories: true)
        let hosted = "    api_url: http://127.0.0.1:\(port)"
        try """
        version: 1
        settings:
          state: state/monitor.sqlite
          public_url: https://backups.example.com
        destinations:
          nas:
            path: backups
        alert_routes:
          phone:
            url_env: NTFY_URL
          gotify:
            url_env: GOTIFY_URL
          telegram:
            url_env: TELEGRAM_URL
        \(hosted)
          discord:
            url_env: DISCORD_URL
        \(hosted)
          pushover:
            url_env: PUSHOVER_URL
        \(hosted)
          matrix:
            url_env: MATRIX_URL
          pager:
            url_env: PAGERDUTY_URL
        \(hosted)
          teams:
            url_env: TEAMS_URL
        \(hosted)
        jobs:
          db:
            destination: nas
            schedule: "0 2 * * *"
            window: 3h
            timezone: Europe/Paris
            routes: [pager]
        """.write(to: root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    @Test(arguments: [
        ("phone", "ntfy through ntfy://***@127.0.0.1:PORT/backups"),
        ("gotify", "Gotify through gotify://127.0.0.1:PORT/gotify/***"),
        ("telegram", "Telegram through tgram://***/-1001234567890"),
        ("discord", "Discord through discord://123456789/***"),
        ("pushover", "Pushover through pover://***@***"),
        ("matrix", "Matrix through matrix://***@127.0.0.1:PORT/%23backups:example.org"),
        ("pager", "PagerDuty through pagerduty://***@***/db1"),
        ("teams", "Teams Workflows through workflows://prod-01.westus.logic.azure.com/wf01/***"),
    ])
    func notifyTestReachesTheService(route: String, description: String) throws {
        let receiver = try TestServer(script: "service_receiver.py")
        let root = try sandbox(port: receiver.port)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try runMonitor(["notify", "test", route, "--config", "monitor.yaml"], env: environment(port: receiver.port), cwd: root)
        #expect(result.exit == 0, "\(result.stderr)")
        let shown = description.replacingOccurrences(of: "PORT", with: String(receiver.port))
        #expect(result.stdout == "sent a test message through route \(route) (\(shown))\n")
        let records = try receiver.received(Record.self)
        #expect(!records.isEmpty && records.allSatisfy { (200...299).contains($0.status) && $0.problems.isEmpty }, "\(records)")
        #expect(records.contains { ($0.body.removingPercentEncoding ?? "").contains("TEST message through route \(route)") })
    }

    @Test func aRefusedTokenFailsNotifyTestClearlyWithoutShowingIt() throws {
        let receiver = try TestServer(script: "service_receiver.py")
        let root = try sandbox(port: receiver.port)
        defer { try? FileManager.default.removeItem(at: root) }
        var env = environment(port: receiver.port)
        env["TELEGRAM_URL"] = "tgram://123456:revoked-token/-100"
        let result = try runMonitor(["notify", "test", "telegram", "--config", "monitor.yaml"], env: env, cwd: root)
        #expect(result.exit == 1)
        #expect(
            result.stderr.hasSuffix(
                """
                monitor: error: could not send a test message through route telegram (Telegram through tgram://***/-100): \
                Telegram answered HTTP 401: Unauthorized — the credentials were refused; check its bot token in the URL \
                (not retried, the same request would be refused again)\n
                """), "\(result.stderr)")
        #expect(!result.stderr.contains("revoked-token"))
    }

    @Test func pagerDutyIsTriggeredThenResolvedWithTheSameDedupKey() throws {
        let receiver = try TestServer(script: "service_receiver.py")
        let root = try sandbox(port: receiver.port)
        defer { try? FileManager.default.removeItem(at: root) }
        let env = environment(port: receiver.port)
        func monitor(_ arguments: [String]) throws {
            let result = try runMonitor(arguments, env: env, cwd: root)
            #expect(result.exit == 0, "monitor \(arguments.joined(separator: " ")): \(result.stdout)\(result.stderr)")
        }
        func seal(_ status: String, finishedAt: String) throws {
            let staging = root.appendingPathComponent("backups/db/staging")
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
            try Data("dump \(finishedAt)\n".utf8).write(to: staging.appendingPathComponent("dump.sql"))
            try monitor(["seal", "backups/db/staging", "--status", status, "--finished-at", finishedAt, "--message", "pg_dump said \(status)"])
        }
        try monitor(["apply", "--now", "2026-11-20T12:00:00Z"])
        try seal("FAILED", finishedAt: "2026-11-21T01:10:00Z")
        try monitor(["scan", "--now", "2026-11-21T01:15:00Z"])
        try seal("SUCCESS", finishedAt: "2026-11-22T01:20:00Z")
        try monitor(["scan", "--now", "2026-11-22T01:30:00Z"])
        try monitor(["scan", "--now", "2026-11-22T01:45:00Z"])

        let records = try receiver.received(Record.self)
        try #require(records.count == 2, "\(records)")
        #expect(records.allSatisfy { $0.path == "/v2/enqueue" && $0.status == 202 && $0.problems.isEmpty })
        let events = try records.map { try #require(try JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any]) }
        #expect(events.map { $0["event_action"] as? String } == ["trigger", "resolve"])
        // The 02:00 Paris occurrence of the 21st is 01:00 UTC.
        #expect(events[0]["dedup_key"] as? String == "monitor/db/2026-11-21T01:00:00Z")
        #expect(events[1]["dedup_key"] as? String == events[0]["dedup_key"] as? String)
        #expect((events[0]["payload"] as? [String: Any])?["summary"] as? String == "[monitor] FAILED db — 2026-11-21 02:00 Europe/Paris")
    }

    @Test func checkWarnsOnALiteralSecretAndStrictMakesItAnError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-url-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try """
        version: 1
        alert_routes:
          chat:
            url: tgram://123456789:AAbbCCdd/-1001234567890
          typo:
            url: ntfys://ntfy.example.com:8o8o/backups

        """.write(to: root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        let secret =
            #"monitor.yaml:4:10: warning: url of alert route "chat" holds a secret of Telegram (its bot token) in the configuration; put the URL in an environment variable and write url_env: VARIABLE instead"#
        let port = #"monitor.yaml:6:35: error: url of alert route "typo" has the port "8o8o"; a port is a number from 1 to 65535"#
        let plain = try runMonitor(["check"], cwd: root)
        #expect(plain.exit == 1)
        #expect(plain.stdout.contains(secret) && plain.stdout.contains(port), "\(plain.stdout)")
        try """
        version: 1
        alert_routes:
          chat:
            url: tgram://123456789:AAbbCCdd/-1001234567890

        """.write(to: root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        #expect(try runMonitor(["check"], cwd: root).exit == 0)
        let strict = try runMonitor(["check", "--strict"], cwd: root)
        #expect(strict.exit == 1)
        #expect(strict.stdout.contains(secret.replacingOccurrences(of: ": warning: ", with: ": error: ")), "\(strict.stdout)")
    }
}
