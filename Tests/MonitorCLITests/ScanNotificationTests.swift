import Foundation
import MonitorTestSupport
import Testing

/// Scans that send e-mail through a real SMTP server (STARTTLS + AUTH on loopback): FAILED,
/// grouped MISSING and RESOLVED arrive once each; a dead mail server delays, never loses.
@Suite(.timeLimit(.minutes(2))) struct ScanNotificationTests {
    let secret = ["SMTP_PASSWORD": "s3cret"]

    func sandbox(port: Int, caFile: URL) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-scan-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("backups"), withIntermediateDirectories: true)
        try config(port: port, caFile: caFile).write(to: root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    func config(port: Int, caFile: URL) -> String {
        """
        version: 1
        settings:
          state: state/monitor.sqlite
          public_url: https://backups.example.com
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
          db:
            destination: nas
            schedule: "0 2 * * *"
            window: 3h
            timezone: Europe/Paris
            routes: [ops-email]
        """
    }

    func monitor(_ arguments: [String], in root: URL) throws -> ProcessResult {
        let result = try runMonitor(arguments, env: secret, cwd: root)
        #expect(result.exit == 0, "monitor \(arguments.joined(separator: " ")): \(result.stdout)\(result.stderr)")
        return result
    }

    func seal(_ status: String, finishedAt: String, in root: URL) throws {
        let staging = root.appendingPathComponent("backups/db/staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try Data("dump \(finishedAt)\n".utf8).write(to: staging.appendingPathComponent("dump.sql"))
        _ = try monitor(
            ["seal", "backups/db/staging", "--status", status, "--finished-at", finishedAt, "--message", "pg_dump said \(status)"], in: root)
    }

    @Test func failedThenGroupedMissingThenResolvedArriveOnceEach() throws {
        let server = try MailServer()
        let root = try sandbox(port: server.port, caFile: server.certificate)
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try monitor(["apply", "--now", "2026-11-20T12:00:00Z"], in: root)

        try seal("FAILED", finishedAt: "2026-11-21T01:10:00Z", in: root)
        let failed = try monitor(["scan", "--now", "2026-11-21T01:15:00Z"], in: root)
        #expect(failed.stdout.contains("1 notification sent"))
        // Two nights without a status file, noticed by one scan: one grouped MISSING.
        _ = try monitor(["scan", "--now", "2026-11-23T06:00:00Z"], in: root)
        try seal("SUCCESS", finishedAt: "2026-11-24T01:20:00Z", in: root)
        _ = try monitor(["scan", "--now", "2026-11-24T01:30:00Z"], in: root)
        // Scanning again sends nothing more.
        _ = try monitor(["scan", "--now", "2026-11-24T01:45:00Z"], in: root)

        let mails = try server.received()
        let subjects = mails.map { $0.headers["subject"] ?? "" }
        #expect(mails.count == 3)
        #expect(subjects.count == 3 && subjects[0].hasPrefix("[monitor] FAILED db"))
        #expect(subjects.count == 3 && subjects[1].hasPrefix("[monitor] MISSING db"))
        #expect(subjects.count == 3 && subjects[2].hasPrefix("[monitor] RESOLVED db"))
        #expect(mails.allSatisfy { $0.rcptTos == ["ops@example.com"] })
        #expect(mails.first?.text?.contains("pg_dump said FAILED") == true)
        #expect(mails.first?.text?.contains("https://backups.example.com/?job=db") == true)
    }

    @Test func aDeadMailServerDelaysTheAlertAndLosesNothing() throws {
        let server = try MailServer()
        let dead = try closedPort()
        let root = try sandbox(port: dead, caFile: server.certificate)
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try monitor(["apply", "--now", "2026-11-20T12:00:00Z"], in: root)
        try seal("FAILED", finishedAt: "2026-11-21T01:10:00Z", in: root)
        let down = try monitor(["scan", "--now", "2026-11-21T01:15:00Z"], in: root)
        #expect(down.stdout.contains("0 notifications sent, 1 to retry"))
        #expect(try server.received().isEmpty)

        // The operator points the route at a working server; the waiting alert goes out once.
        try config(port: server.port, caFile: server.certificate).write(
            to: root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        _ = try monitor(["apply", "--now", "2026-11-21T01:16:00Z"], in: root)
        let early = try monitor(["scan", "--now", "2026-11-21T01:15:10Z"], in: root)
        #expect(!early.stdout.contains("sent"), "not due before the backoff")
        let up = try monitor(["scan", "--now", "2026-11-21T01:20:00Z"], in: root)
        #expect(up.stdout.contains("1 notification sent"))
        _ = try monitor(["scan", "--now", "2026-11-21T01:40:00Z"], in: root)
        let mails = try server.received()
        #expect(mails.count == 1)
        #expect(mails.first?.headers["subject"]?.hasPrefix("[monitor] FAILED db") == true)
    }

    @Test func aScanKilledInTheMiddleOfDeliveryNeitherLosesNorDuplicates() throws {
        let server = try MailServer(arguments: ["--stall-data", "1"])
        let root = try sandbox(port: server.port, caFile: server.certificate)
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try monitor(["apply", "--now", "2026-11-20T12:00:00Z"], in: root)
        try seal("FAILED", finishedAt: "2026-11-21T01:10:00Z", in: root)

        // The server takes the message but never answers DATA; the scan is killed meanwhile.
        let scan = Process()
        scan.executableURL = try MonitorExecutable.url()
        scan.arguments = ["scan", "--now", "2026-11-21T01:15:00Z"]
        scan.currentDirectoryURL = root
        scan.environment = monitorBaseEnvironment.merging(secret) { _, added in added }
        scan.standardOutput = FileHandle.nullDevice
        scan.standardError = FileHandle.nullDevice
        try scan.run()
        let deadline = Date().addingTimeInterval(20)
        while !server.hasStalled, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(server.hasStalled)
        kill(scan.processIdentifier, SIGKILL)
        scan.waitUntilExit()
        #expect(try server.received().isEmpty)

        // After the restart the claim has lapsed: the alert goes out, once.
        let again = try monitor(["scan", "--now", "2026-11-21T01:30:00Z"], in: root)
        #expect(again.stdout.contains("1 notification sent"), "\(again.stdout)")
        _ = try monitor(["scan", "--now", "2026-11-21T02:00:00Z"], in: root)
        let mails = try server.received()
        #expect(mails.count == 1)
        #expect(mails.first?.headers["subject"]?.hasPrefix("[monitor] FAILED db") == true)
    }
}
