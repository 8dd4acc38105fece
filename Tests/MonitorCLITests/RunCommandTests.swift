import Foundation
import Testing

/// `monitor run` end to end: the built executable on a free port, a real state and backup tree.
@Suite(.serialized) struct RunCommandTests {
    static let token = "e2e-token-\(UUID().uuidString)"

    static func config(jobs: String) -> String {
        """
        version: 1
        settings:
          state: state/monitor.sqlite
          scan_interval: 1m
          api_token_env: MONITOR_TOKEN
        destinations:
          nas:
            path: backups
        jobs:
        \(jobs)
        """
    }

    static let twoJobs = """
          db:
            description: "<img src=x onerror=alert(1)>"
            destination: nas
            schedule: "*/5 * * * *"
            window: 1h
            labels: {team: data}
          web:
            destination: nas
            schedule: "*/5 * * * *"
            window: 1h
        """

    static let threeJobs =
        twoJobs + """

              later:
                destination: nas
                schedule: "0 4 * * *"
                window: 1h
            """

    @Test(.timeLimit(.minutes(2))) func daemonServesTheAPIPicksUpARevisionAndStopsCleanly() throws {
        let box = try BackupSandbox(jobs: "")
        let configURL = box.root.appendingPathComponent("monitor.yaml")
        try Self.config(jobs: Self.twoJobs).write(to: configURL, atomically: true, encoding: .utf8)
        try box.monitor(["apply"])
        try box.stage("db", ["dump.sql": Data("select 1;\n".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--message", "pg_dump finished"])
        try FileManager.default.createDirectory(at: box.staging("web"), withIntermediateDirectories: true)
        try box.monitor(["seal", "backups/web/staging", "--status", "FAILED", "--message", "<script>alert(1)</script>"], expecting: 0)

        let daemon = try DaemonProcess(in: box.root, env: ["MONITOR_TOKEN": Self.token])

        #expect(try daemon.json("GET", "/api/jobs").status == 401)
        #expect(try daemon.json("POST", "/api/scan", token: "wrong").status == 401)
        let scan = try daemon.json("POST", "/api/scan", token: Self.token)
        #expect(scan.status == 200)
        #expect(scan.body["jobs"] as? Int == 2)

        let jobs = try daemon.json("GET", "/api/jobs", token: Self.token)
        #expect(jobs.status == 200)
        let list = try #require(jobs.body["jobs"] as? [[String: Any]])
        let statuses = Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, $0["status"] as! String) })
        #expect(statuses == ["db": "SUCCESS", "web": "FAILED"], "\(daemon.log)")

        let one = try daemon.json("GET", "/api/jobs/web", token: Self.token)
        // The newest decided occurrence: a new */5 occurrence may have started (PENDING) since the seal.
        let decided = (one.body["occurrences"] as? [[String: Any]])?.first { $0["state"] as? String != "PENDING" }
        #expect(decided?["message"] as? String == "<script>alert(1)</script>", "\(one.body)")
        #expect(try daemon.json("GET", "/api/jobs/nope", token: Self.token).status == 404)
        #expect(try daemon.json("GET", "/api/jobs/db/occurrences?limit=0", token: Self.token).status == 400)

        let health = try daemon.json("GET", "/healthz")
        #expect(health.status == 200)
        #expect(health.body["status"] as? String == "ok")

        let metrics = try daemon.request("GET", "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains(#"monitor_job_status{backup_job="db",status="SUCCESS"} 1.0"#))
        #expect(metrics.body.contains(#"monitor_job_status{backup_job="web",status="FAILED"} 1.0"#))
        #expect(metrics.body.contains("monitor_scan_duration_seconds"))
        #expect(metrics.body.contains("monitor_notifications_sent_total"))
        #expect(!metrics.body.contains(Self.token) && !jobs.body.description.contains(Self.token))

        // A new revision applied while the daemon runs shows up at the next scan.
        try Self.config(jobs: Self.threeJobs).write(to: configURL, atomically: true, encoding: .utf8)
        try box.monitor(["apply"])
        #expect(try daemon.json("POST", "/api/scan", token: Self.token).body["jobs"] as? Int == 3)
        let after = try #require(try daemon.json("GET", "/api/jobs", token: Self.token).body["jobs"] as? [[String: Any]])
        #expect(after.map { $0["name"] as? String } == ["db", "later", "web"])

        let exit = daemon.terminate(within: 10)
        #expect(exit == 0, "monitor run did not stop cleanly on SIGTERM:\n\(daemon.log)")
        #expect(daemon.log.contains("verdict=SUCCESS") || daemon.log.contains("verdicts=SUCCESS=1"), "\(daemon.log)")
    }

    @Test(.timeLimit(.minutes(1))) func sigintAlsoStopsCleanlyAndABusyPortIsAnError() throws {
        let box = try BackupSandbox(jobs: Self.twoJobs)
        try box.monitor(["apply"])
        let daemon = try DaemonProcess(in: box.root)
        // Same port again: the second daemon cannot listen and says so.
        let second = try runMonitor(["run", "--listen", "127.0.0.1:\(daemon.port)"], cwd: box.root)
        #expect(second.exit == 1)
        #expect(second.stderr.contains("monitor: error:"), "\(second.stderr)")
        kill(daemon.process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(10)
        while daemon.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!daemon.process.isRunning)
        #expect(daemon.process.terminationStatus == 0)
    }
}
