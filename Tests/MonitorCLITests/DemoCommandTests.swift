import Foundation
import Testing

/// `monitor demo`: the sandbox holds every verdict, is rebuilt in place, never clobbers a
/// folder it did not make, and is served like `monitor run`.
@Suite("monitor demo")
struct DemoCommandTests {
    /// A temporary folder for one test, removed afterwards.
    final class Scratch {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-demo-test-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: root) }
        func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
    }

    static func json(_ result: ProcessResult) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return try #require(object, "not a JSON object: \(result.stdout)\(result.stderr)")
    }

    @Test("--no-serve builds a sandbox with every verdict, versions on disk and a valid configuration")
    func everyVerdict() throws {
        let scratch = try Scratch()
        let sandbox = scratch.path("nested/sandbox")  // missing: the demo creates it
        let built = try runMonitor(["demo", "--dir", sandbox, "--no-serve"])
        #expect(built.exit == 0, "\(built.stdout)\(built.stderr)")
        #expect(built.stderr.isEmpty, "\(built.stderr)")
        let state = sandbox + "/state/monitor.sqlite"
        #expect(built.stdout.contains("status --state \(state)"))

        let check = try runMonitor(["check", "--config", sandbox + "/monitor.yaml"])
        #expect(check.exit == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stderr.isEmpty, "warnings: \(check.stderr)")

        let document = try Self.json(try runMonitor(["status", "--format", "json", "--state", state]))
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        let statuses = Dictionary(uniqueKeysWithValues: jobs.map { ($0["name"] as! String, $0["status"] as! String) })
        #expect(
            Set(statuses.values).isSuperset(of: ["SUCCESS", "FAILED", "MISSING", "HASH_MISMATCH", "PENDING", "SUSPICIOUS", "STALE"]), "\(statuses)")
        #expect(jobs.count >= 5)
        #expect(Set(jobs.compactMap { $0["timezone"] as? String }).count >= 3, "different timezones")
        #expect(jobs.allSatisfy { ($0["description"] as? String)?.isEmpty == false && !(($0["labels"] as? [String: String]) ?? [:]).isEmpty })

        var states: [String: Int] = [:]
        var late: [String] = []
        for name in statuses.keys {
            let job = try Self.json(try runMonitor(["status", "--format", "json", "--state", state, "--job", name, "--limit", "500"]))
            let occurrences = try #require(job["occurrences"] as? [[String: Any]], "\(name)")
            for occurrence in occurrences {
                states[occurrence["state"] as! String, default: 0] += 1
                if occurrence["late"] as? Bool == true { late.append("\(name) \(occurrence["scheduled_at"]!) \(occurrence["state"]!)") }
            }
        }
        for verdict in ["SUCCESS", "FAILED", "MISSING", "HASH_MISMATCH", "PENDING", "SUSPICIOUS"] {
            #expect(states[verdict, default: 0] > 0, "no \(verdict) occurrence: \(states)")
        }
        #expect(states["SUCCESS", default: 0] >= 40, "a few weeks of history: \(states)")
        #expect(late.count == 1 && late[0].hasSuffix("SUCCESS"), "\(late)")

        // Several versions on disk (SPEC §5), current_version on the newest, as the state says.
        let successful = try #require(jobs.first { $0["status"] as? String == "SUCCESS" && $0["name"] as? String == "postgres-prod" })
        let current = try #require((successful["current_version"] as? [String: Any])?["id"] as? String)
        let folder = URL(fileURLWithPath: sandbox + "/backups/nas/postgres-prod")
        let versions = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("versions").path)
            .filter { !$0.hasPrefix(".") }.sorted()
        #expect(versions.count == 3, "keep_versions: 3 → \(versions)")
        // Its oldest kept version was changed on disk: CORRUPTED, while the job stays SUCCESS.
        #expect(successful["corrupted_versions"] as? Int == 1, "\(successful)")
        #expect((successful["current_version"] as? [String: Any])?["corrupted"] as? Bool == false)
        #expect(versions.last == current)
        let resolved = folder.appendingPathComponent("current_version").resolvingSymlinksInPath()
        #expect(resolved.path == folder.appendingPathComponent("versions/\(current)").resolvingSymlinksInPath().path)
        #expect(FileManager.default.fileExists(atPath: resolved.appendingPathComponent("STATUS.json").path))

        // The printed seal command, run as printed, makes the PENDING job SUCCESS at the next scan.
        let sealLine = try #require(built.stdout.split(separator: "\n").first { $0.hasPrefix("  /") && $0.contains(" seal ") }, "\(built.stdout)")
        let words = sealLine.split(separator: " ").map(String.init)
        let sealIndex = try #require(words.firstIndex(of: "seal"))
        let binary = try MonitorExecutable.url().resolvingSymlinksInPath().path
        #expect(URL(fileURLWithPath: words[sealIndex - 1]).resolvingSymlinksInPath().path == binary)
        let pending = try #require(statuses.first { $0.value == "PENDING" }?.key)
        #expect(Array(words.suffix(2)) == ["--job", pending])
        let sealed = try runMonitor(Array(words[sealIndex...]))
        #expect(sealed.exit == 0, "\(sealed.stdout)\(sealed.stderr)")
        let scanned = try runMonitor(["scan", "--state", state])
        #expect(scanned.exit == 0, "\(scanned.stdout)\(scanned.stderr)")
        let after = try Self.json(try runMonitor(["status", "--format", "json", "--state", state, "--job", pending]))
        #expect(after["status"] as? String == "SUCCESS", "\(after)")
    }

    /// The story must hold whatever the hour: while a daily run is in its window, just after
    /// midnight in Tokyo, on a Monday (the weekly job runs), and on daylight-saving days in
    /// Paris and New York.
    @Test(
        "every verdict shows whatever the time the demo is run",
        arguments: [
            "2026-11-25T00:00:00Z", "2026-11-25T01:10:00Z", "2026-11-25T02:59:30Z", "2026-11-23T06:20:00Z",
            "2026-11-24T15:05:00Z", "2026-11-27T18:45:00Z", "2026-03-29T01:30:00Z", "2026-03-08T07:00:00Z",
            "2026-10-25T02:30:00Z", "2026-11-01T05:40:00Z",
        ])
    func everyVerdictAtAnyTime(now: String) throws {
        let scratch = try Scratch()
        let sandbox = scratch.path("sandbox")
        let built = try runMonitor(["demo", "--dir", sandbox, "--no-serve", "--now", now])
        #expect(built.exit == 0, "\(built.stdout)\(built.stderr)")
        let state = sandbox + "/state/monitor.sqlite"
        let document = try Self.json(try runMonitor(["status", "--format", "json", "--state", state, "--now", now]))
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        let statuses = Dictionary(uniqueKeysWithValues: jobs.map { ($0["name"] as! String, $0["status"] as! String) })
        #expect(
            statuses == [
                "postgres-prod": "SUCCESS", "web-assets": "HASH_MISMATCH", "mail-archive": "FAILED", "ldap-config": "MISSING",
                "reports-weekly": "SUCCESS", "crm-files": "PENDING", "billing-db": "SUSPICIOUS", "offsite-tape": "STALE",
            ])
        let postgres = try Self.json(try runMonitor(["status", "--format", "json", "--state", state, "--now", now, "--job", "postgres-prod"]))
        let late = (postgres["occurrences"] as? [[String: Any]] ?? []).filter { $0["late"] as? Bool == true }
        #expect(late.count == 1 && late.first?["state"] as? String == "SUCCESS", "\(late)")
        #expect(built.stdout.contains("crm-files       PENDING"), "\(built.stdout)")
    }

    @Test("--now goes only with --no-serve")
    func nowNeedsNoServe() throws {
        let scratch = try Scratch()
        let result = try runMonitor(["demo", "--dir", scratch.path("sandbox"), "--now", "2026-11-25T00:00:00Z"])
        #expect(result.exit == 64 && result.stderr.contains("--now goes only with --no-serve"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("sandbox")))
    }

    @Test("running again on its own folder rebuilds it; a foreign folder is refused untouched")
    func rebuildAndRefuse() throws {
        let scratch = try Scratch()
        let sandbox = scratch.path("sandbox")
        #expect(try runMonitor(["demo", "--dir", sandbox, "--no-serve"]).exit == 0)
        // Something the person put there, and a change the rebuild must undo.
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: sandbox + "/report.html"))
        try Data("version: 1\n".utf8).write(to: URL(fileURLWithPath: sandbox + "/monitor.yaml"))
        let again = try runMonitor(["demo", "--dir", sandbox, "--no-serve"])
        #expect(again.exit == 0, "\(again.stdout)\(again.stderr)")
        #expect(try String(contentsOfFile: sandbox + "/report.html", encoding: .utf8) == "mine\n")
        #expect(try runMonitor(["check", "--config", sandbox + "/monitor.yaml"]).stdout.contains("8 jobs"))
        let rebuilt = try runMonitor(["status", "--format", "json", "--state", sandbox + "/state/monitor.sqlite"])
        #expect((try Self.json(rebuilt)["jobs"] as? [Any])?.count == 8)

        let foreign = scratch.path("foreign")
        try FileManager.default.createDirectory(atPath: foreign + "/data", withIntermediateDirectories: true)
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: foreign + "/data/db.dump"))
        try Data("notes\n".utf8).write(to: URL(fileURLWithPath: foreign + "/monitor.yaml"))
        let before = FileManager.default.subpaths(atPath: foreign)?.sorted()
        let refused = try runMonitor(["demo", "--dir", foreign, "--no-serve"])
        #expect(refused.exit == 1)
        #expect(refused.stderr.contains("is not a monitor demo sandbox"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        #expect(FileManager.default.subpaths(atPath: foreign)?.sorted() == before)
        #expect(try String(contentsOfFile: foreign + "/data/db.dump", encoding: .utf8) == "precious\n")
        #expect(try String(contentsOfFile: foreign + "/monitor.yaml", encoding: .utf8) == "notes\n")

        let file = scratch.path("a-file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let notFolder = try runMonitor(["demo", "--dir", file, "--no-serve"])
        #expect(notFolder.exit == 1 && notFolder.stderr.contains("is not a folder"), "\(notFolder.stderr)")
    }

    @Test("without --dir the sandbox is a new folder under TMPDIR")
    func temporaryFolder() throws {
        let scratch = try Scratch()
        let result = try runMonitor(["demo", "--no-serve"], env: ["TMPDIR": scratch.root.path])
        #expect(result.exit == 0, "\(result.stdout)\(result.stderr)")
        let made = try FileManager.default.contentsOfDirectory(atPath: scratch.root.path)
        #expect(made.count == 1 && made[0].hasPrefix("monitor-demo."), "\(made)")
        #expect(FileManager.default.fileExists(atPath: scratch.path(made[0] + "/state/monitor.sqlite")))
        #expect(result.stdout.contains(scratch.path(made[0])))
    }

    @Test("serve mode: the daemon answers with the demo's jobs and stops cleanly on SIGTERM")
    func serves() throws {
        let scratch = try Scratch()
        let sandbox = scratch.path("sandbox")
        let daemon = try DaemonProcess(in: scratch.root, command: ["demo", "--dir", sandbox])
        let health = try daemon.request("GET", "/healthz")
        #expect(health.status == 200, "\(health.body)")
        let (status, body) = try daemon.json("GET", "/api/jobs")
        #expect(status == 200)
        let jobs = try #require(body["jobs"] as? [[String: Any]])
        #expect(
            Set(jobs.compactMap { $0["name"] as? String }) == [
                "billing-db", "crm-files", "ldap-config", "mail-archive", "offsite-tape", "postgres-prod", "reports-weekly", "web-assets",
            ])
        #expect(
            Set(jobs.compactMap { $0["status"] as? String }) == [
                "SUCCESS", "FAILED", "MISSING", "HASH_MISMATCH", "PENDING", "SUSPICIOUS", "STALE",
            ])
        // The guide names the address it serves on; a scan cannot be forced without a token.
        #expect(daemon.log.contains("Dashboard: \(daemon.baseURL)/"), "\(daemon.log)")
        #expect(try daemon.request("POST", "/api/scan").status == 403)
        #expect(daemon.terminate() == 0, "\(daemon.log)")
    }
}
