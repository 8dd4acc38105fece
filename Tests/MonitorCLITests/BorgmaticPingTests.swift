import Foundation
import Testing

/// A producer configured for Healthchecks works with only its base URL changed (SPEC §13):
/// Debian's borgmatic, with its own Healthchecks hook pointing at `monitor run`, backs up into a
/// real borg repository, and the job shows the result through the API.
@Suite(.serialized) struct BorgmaticPingTests {
    static let key = "ping-\(UUID().uuidString)"
    static let token = "token-\(UUID().uuidString)"
    static let passphrase = "correct horse battery staple"

    /// The sandbox's configuration: a `source: ping` job `home` whose runs come from borgmatic.
    static let config = """
        version: 1
        settings:
          state: state/monitor.sqlite
          scan_interval: 1h
          api_token_env: MONITOR_TOKEN
          ping_key_env: MONITOR_PING_KEY
        destinations:
          nas:
            path: backups
        jobs:
          home:
            source: ping
            destination: nas
            schedule: "*/5 * * * *"
            window: 1h
        """

    /// borgmatic 1.7's sectioned configuration (Debian bookworm), one repository, the Healthchecks hook.
    static func borgmaticConfig(source: URL, repository: URL, pingURL: String) -> String {
        """
        location:
            source_directories:
                - \(source.path)
            repositories:
                - \(repository.path)
        storage:
            encryption_passphrase: "\(passphrase)"
        hooks:
            healthchecks:
                ping_url: \(pingURL)
        """
    }

    @Test(.timeLimit(.minutes(3))) func borgmaticReportsARealBorgBackup() throws {
        let borgmatic = try programOnPath("borgmatic", installHint: "run scripts/setup-test-deps (apt-get install borgmatic borgbackup)")
        let borg = try programOnPath("borg", installHint: "run scripts/setup-test-deps (apt-get install borgbackup)")
        let box = try BackupSandbox(jobs: "", environment: ["MONITOR_PING_KEY": Self.key, "MONITOR_TOKEN": Self.token])
        try Self.config.write(to: box.root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        try box.monitor(["apply"])
        let daemon = try DaemonProcess(in: box.root, env: box.environment)

        // Something to back up, a repository, and a home for borg's own files.
        let source = box.root.appendingPathComponent("home-data")
        try FileManager.default.createDirectory(at: source.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try Data("the notes\n".utf8).write(to: source.appendingPathComponent("docs/notes.txt"))
        try Data(repeating: 7, count: 200_000).write(to: source.appendingPathComponent("photo.raw"))
        let repository = box.root.appendingPathComponent("repo")
        let home = box.root.appendingPathComponent("borg-home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let environment = ["PATH": "/usr/bin:/bin", "HOME": home.path, "LC_ALL": "C.UTF-8", "BORG_PASSPHRASE": Self.passphrase]
        let initialized = try runProcess(borg, ["init", "--encryption=repokey", repository.path], environment: environment)
        try #require(initialized.exit == 0, "borg init: \(initialized.stderr)")

        let configURL = box.root.appendingPathComponent("borgmatic.yaml")
        try Self.borgmaticConfig(source: source, repository: repository, pingURL: "\(daemon.baseURL)/ping/\(Self.key)/home")
            .write(to: configURL, atomically: true, encoding: .utf8)
        let created = try runProcess(borgmatic, ["-c", configURL.path, "--verbosity", "1", "create", "--stats"], environment: environment)
        try #require(created.exit == 0, "borgmatic create: \(created.stdout)\(created.stderr)")
        let archives = try runProcess(borg, ["list", "--short", repository.path], environment: environment)
        #expect(archives.stdout.split(separator: "\n").count == 1, "one real archive: \(archives.stdout)\(archives.stderr)")

        // Judged as soon as the finish ping arrives: no scan asked for.
        var job = try Self.waitForStatus(daemon, "SUCCESS")
        #expect(job["status"] as? String == "SUCCESS", "\(job)\n\(daemon.log)")
        #expect(job["source"] as? String == "ping")
        var latest = (job["occurrences"] as? [[String: Any]])?.first { $0["state"] as? String != "PENDING" }
        // borgmatic sends its log with the finish: the run's message.
        #expect((latest?["message"] as? String)?.contains("Creating archive") == true, "\(latest ?? [:])")

        // The repository goes away: borgmatic's failure ping makes the job FAILED, with its own words.
        try FileManager.default.removeItem(at: repository)
        let failed = try runProcess(borgmatic, ["-c", configURL.path, "create"], environment: environment)
        #expect(failed.exit != 0)
        job = try Self.waitForStatus(daemon, "FAILED")
        #expect(job["status"] as? String == "FAILED", "\(job)\n\(daemon.log)")
        latest = (job["occurrences"] as? [[String: Any]])?.first { $0["state"] as? String == "FAILED" }
        #expect((latest?["message"] as? String)?.contains("Error running actions for repository") == true, "\(latest ?? [:])")
        #expect(daemon.terminate() == 0)
    }

    /// The job `home` as the API shows it once its status is `status`, or after 30 s.
    static func waitForStatus(_ daemon: DaemonProcess, _ status: String) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(30)
        while true {
            let job = try daemon.json("GET", "/api/jobs/home", token: token).body
            if job["status"] as? String == status || Date() > deadline { return job }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }
}
