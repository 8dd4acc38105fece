import Foundation
import MonitorTestSupport
import Testing

/// `monitor notify test ROUTE` with the built executable against a real SMTP server
/// (STARTTLS, AUTH with the password from the environment, the server's CA in ca_file).
@Suite(.timeLimit(.minutes(1))) struct NotifyCommandTests {
    /// A folder with `monitor.yaml` declaring the route `ops-email` to `smtpURL`.
    func sandbox(smtpURL: String, caFile: URL) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-notify-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try """
        version: 1
        settings:
          state: state/monitor.sqlite
          timezone: Europe/Paris
        alert_routes:
          ops-email:
            email:
              to: [Ops <ops@example.com>]
              from: Backup Monitor <monitor@example.com>
              smtp_url: \(smtpURL)
              ca_file: \(caFile.path)
              username: monitor
              password_env: SMTP_PASSWORD
        """.write(to: root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    let secret = ["SMTP_PASSWORD": "s3cret"]

    @Test func aTestMessageThroughTheConfiguredRouteArrives() throws {
        let server = try MailServer()
        let root = try sandbox(smtpURL: "smtp://127.0.0.1:\(server.port)", caFile: server.certificate)
        defer { try? FileManager.default.removeItem(at: root) }

        let result = try runMonitor(["notify", "test", "ops-email", "--config", "monitor.yaml"], env: secret, cwd: root)
        #expect(result.exit == 0, "\(result.stderr)")
        #expect(result.stdout == "sent a test message through route ops-email (email to ops@example.com)\n")
        let mails = try server.received()
        try #require(mails.count == 1)
        #expect(mails[0].rcptTos == ["ops@example.com"])
        #expect(mails[0].headers["subject"] == "[monitor] TEST message through route ops-email — not an alert")
        #expect(mails[0].text?.contains("This is a test message sent with `monitor notify test ops-email`.") == true)
    }

    @Test func withoutConfigTheRouteComesFromTheAppliedState() throws {
        let server = try MailServer()
        let root = try sandbox(smtpURL: "smtp://127.0.0.1:\(server.port)", caFile: server.certificate)
        defer { try? FileManager.default.removeItem(at: root) }
        let apply = try runMonitor(["apply", "--config", "monitor.yaml"], env: secret, cwd: root)
        try #require(apply.exit == 0, "\(apply.stdout)\(apply.stderr)")

        let result = try runMonitor(["notify", "test", "ops-email", "--state", "state/monitor.sqlite"], env: secret, cwd: root)
        #expect(result.exit == 0, "\(result.stderr)")
        #expect(try server.received().count == 1)
    }

    @Test func aDeadServerFailsWithTheExactReason() throws {
        let server = try MailServer()  // only for its certificate
        let port = try closedPort()
        let root = try sandbox(smtpURL: "smtp://127.0.0.1:\(port)", caFile: server.certificate)
        defer { try? FileManager.default.removeItem(at: root) }

        let result = try runMonitor(["notify", "test", "ops-email", "--config", "monitor.yaml"], env: secret, cwd: root)
        #expect(result.exit == 1)
        #expect(result.stdout == "")
        #expect(
            result.stderr.hasSuffix(
                """
                monitor: error: could not send a test message through route ops-email (email to ops@example.com): \
                connection refused by 127.0.0.1:\(port)\n
                """))
    }

    @Test func anUnknownRouteIsNamedWithTheKnownOnes() throws {
        let root = try sandbox(smtpURL: "smtp://127.0.0.1:25", caFile: URL(fileURLWithPath: "/dev/null"))
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try runMonitor(["notify", "test", "pager", "--config", "monitor.yaml"], env: secret, cwd: root)
        #expect(result.exit == 1)
        #expect(result.stderr.hasSuffix("monitor: error: no alert route named \"pager\" in monitor.yaml (its routes: ops-email)\n"))
    }
}
