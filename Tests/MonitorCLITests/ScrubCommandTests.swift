import Foundation
import MonitorTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The scrub end to end through the built executable: `monitor verify` on an intact tree and
/// after a byte of a promoted file was flipped (one mail through a real SMTP server), a version
/// folder deleted by hand, the daemon's scrub after its scan (one webhook, the mark in the API
/// and the metrics), and a budget of 0 (off, and `check` says so).
@Suite(.serialized, .timeLimit(.minutes(3))) struct ScrubCommandTests {
    /// A sandbox whose only job `db` (daily at 02:00 UTC, 3 h window) hears every problem
    /// through `route`, with `settings.scrub` as given.
    final class Sandbox {
        let root: URL
        let env: [String: String]

        init(route: String, scrub: String = "", env: [String: String] = [:]) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-scrub-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("backups/db/staging"), withIntermediateDirectories: true)
            self.env = env
            try """
            version: 1
            settings:
              state: state/monitor.sqlite
            \(scrub)
            destinations:
              nas:
                path: backups
            alert_routes:
              ops:
            \(route)
            jobs:
              db:
                destination: nas
                schedule: "0 2 * * *"
                window: 3h
                routes: [ops]
            """.write(to: root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        @discardableResult
        func monitor(_ arguments: [String], expecting exit: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
            let result = try runMonitor(arguments, env: env, cwd: root)
            #expect(
                result.exit == exit, "monitor \(arguments.joined(separator: " ")): \(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
            return result
        }

        /// Applies, stages two files, seals them as finished at `finishedAt` and scans at `now`
        /// (nil: the real clock): one promoted version, whose id is returned.
        func promote(finishedAt: String, now: String?) throws -> String {
            try monitor(["apply"] + (now.map { ["--now", $0] } ?? []))
            let staging = root.appendingPathComponent("backups/db/staging")
            try Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: staging.appendingPathComponent("dump.sql"))
            try Data("CREATE ROLE app;\n".utf8).write(to: staging.appendingPathComponent("roles.sql"))
            try monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", finishedAt])
            try monitor(["scan"] + (now.map { ["--now", $0] } ?? []))
            let versions = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("backups/db/versions").path)
            return try #require(versions.filter { !$0.hasPrefix(".") }.sorted().last)
        }

        func version(_ id: String) -> URL { root.appendingPathComponent("backups/db/versions/\(id)") }

        func flip(_ id: String, _ path: String, at offset: UInt64) throws {
            let url = version(id).appendingPathComponent(path)
            let handle = try FileHandle(forUpdating: url)
            try handle.seek(toOffset: offset)
            let old = try handle.read(upToCount: 1)?.first ?? 0
            try handle.seek(toOffset: offset)
            try handle.write(contentsOf: Data([old ^ 0x01]))
            try handle.close()
        }
    }

    @Test func verifyExitsZeroOnAnIntactTreeAndOneWithTheChangedFileNamedAndOneMail() throws {
        let server = try MailServer()
        let box = try Sandbox(route: server.route, env: MailServer.environment)
        let id = try box.promote(finishedAt: "2026-11-21T01:10:00Z", now: "2026-11-21T01:15:00Z")

        let intact = try box.monitor(["verify"])
        #expect(intact.stdout == "Checked 1 version (2 files, 195.3 KiB): all intact.\n")

        try box.flip(id, "dump.sql", at: 100_000)
        let broken = try box.monitor(["verify"], expecting: 1)
        let lines = broken.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("CORRUPTED db \(id): dump.sql: content changed (SHA-256 ") == true)
        #expect(lines.last == "Checked 1 version (2 files, 195.3 KiB): 1 corrupted; 1 notification sent.")
        let mails = try server.received()
        #expect(mails.count == 1)
        #expect(mails.first?.headers["subject"]?.contains("CORRUPTED") == true, "\(mails.map(\.headers))")
        #expect(mails.first?.text?.contains("dump.sql: content changed") == true)

        // Checked again: still corrupted, still marked, nobody told twice.
        let again = try box.monitor(["verify", "--job", "db"], expecting: 1)
        #expect(again.stdout.hasPrefix("CORRUPTED db \(id): dump.sql"))
        #expect(try server.received().count == 1)
        let status = try JSONSerialization.jsonObject(with: Data(try box.monitor(["status", "--format", "json"]).stdout.utf8)) as? [String: Any]
        let job = (status?["jobs"] as? [[String: Any]])?.first
        #expect((job?["current_version"] as? [String: Any])?["corrupted"] as? Bool == true)
        #expect(job?["corrupted_versions"] as? Int == 1)
        #expect(try box.monitor(["status"]).stdout.contains("SUCCESS (1 version CORRUPTED)"))
    }

    @Test func aVersionFolderDeletedByHandIsCorruptedAndABadJobNameIsRefused() throws {
        let box = try Sandbox(route: "    webhook:\n      url: http://127.0.0.1:9/hook")
        let id = try box.promote(finishedAt: "2026-11-21T01:10:00Z", now: "2026-11-21T01:15:00Z")
        try FileManager.default.removeItem(at: box.version(id))
        let result = try box.monitor(["verify"], expecting: 1)
        #expect(result.stdout.contains("CORRUPTED db \(id): the version folder \(box.version(id).path) is missing"))

        let unknown = try box.monitor(["verify", "--job", "nope"], expecting: 2)
        #expect(unknown.stderr.contains("no active job named \"nope\""))
        let missing = try runMonitor(["verify", "--state", box.root.appendingPathComponent("none.sqlite").path], cwd: box.root)
        #expect(missing.exit == 2, "\(missing.stderr)")
    }

    @Test func theDaemonScrubsAfterItsScanMarksTheVersionAndTellsTheRouteOnce() throws {
        let receiver = try TestServer.webhookReceiver()
        let box = try Sandbox(
            route: "    webhook:\n      url: \(receiver.httpURL("/hook"))", scrub: "  scrub: {every: 1d, budget: 30s}")
        let finished = Date().addingTimeInterval(-120)
        let id = try box.promote(finishedAt: ISO8601DateFormatter().string(from: finished), now: nil)
        try box.flip(id, "roles.sql", at: 3)

        let daemon = try DaemonProcess(in: box.root)
        var job: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let jobs = try daemon.json("GET", "/api/jobs").body["jobs"] as? [[String: Any]]
            job = jobs?.first ?? [:]
            if (job["current_version"] as? [String: Any])?["corrupted"] as? Bool == true { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect((job["current_version"] as? [String: Any])?["corrupted"] as? Bool == true, "\(daemon.log)")
        #expect(job["corrupted_versions"] as? Int == 1)
        let metrics = try daemon.request("GET", "/metrics").body
        #expect(metrics.contains(#"monitor_corrupted_versions{backup_job="db"} 1"#), "\(metrics)")

        var requests: [String] = []
        while Date() < deadline {
            requests = try receiver.received(Request.self).map(\.body)
            if !requests.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(requests.count == 1)
        let body = try JSONSerialization.jsonObject(with: Data((requests.first ?? "{}").utf8)) as? [String: Any]
        #expect(body?["event"] as? String == "CORRUPTED")
        #expect((body?["message"] as? String)?.contains("version \(id): roles.sql: content changed") == true)
        #expect(daemon.log.contains("version CORRUPTED"))
        #expect(daemon.terminate() == 0)
    }

    @Test func aBudgetOfZeroTurnsTheScrubOffAndCheckSaysSo() throws {
        let box = try Sandbox(route: "    webhook:\n      url: http://127.0.0.1:9/hook", scrub: "  scrub:\n    budget: 0")
        let check = try box.monitor(["check"])
        #expect(check.stderr.contains("warning: settings.scrub.budget is 0: the scrub is off") || check.stdout.contains("settings.scrub.budget is 0"))
        let id = try box.promote(finishedAt: ISO8601DateFormatter().string(from: Date().addingTimeInterval(-120)), now: nil)
        try box.flip(id, "dump.sql", at: 5)

        let daemon = try DaemonProcess(in: box.root)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && !daemon.log.contains("scan finished") { Thread.sleep(forTimeInterval: 0.1) }
        Thread.sleep(forTimeInterval: 1)
        let job = (try daemon.json("GET", "/api/jobs").body["jobs"] as? [[String: Any]])?.first
        #expect((job?["current_version"] as? [String: Any])?["corrupted"] as? Bool == false)
        #expect(!daemon.log.contains("scrub finished") && !daemon.log.contains("version CORRUPTED"), "\(daemon.log)")
        #expect(daemon.terminate() == 0)
        // `monitor verify` still checks on demand.
        try box.monitor(["verify"], expecting: 1)
    }

    struct Request: Decodable {
        var body: String
    }
}
