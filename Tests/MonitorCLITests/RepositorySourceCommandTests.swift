import Foundation
import Testing

/// `source: restic` and `source: borg` end to end through the built executable: a real
/// repository made with the real tool, `monitor apply`, `monitor scan --now …` and
/// `monitor status --format json`.
@Suite(.timeLimit(.minutes(3))) struct RepositorySourceCommandTests {
    /// Runs `tool` (from /usr/bin) in the sandbox's folder; fails the test when it fails.
    func tool(_ box: BackupSandbox, _ name: String, _ arguments: [String]) throws {
        let result = try runProcess(
            URL(fileURLWithPath: "/usr/bin/\(name)"), arguments, environment: monitorBaseEnvironment.merging(box.environment) { $1 }, in: box.root)
        #expect(result.exit == 0, "\(name) \(arguments.joined(separator: " ")): \(result.stderr)")
    }

    func data(_ box: BackupSandbox) throws {
        try FileManager.default.createDirectory(at: box.root.appendingPathComponent("data"), withIntermediateDirectories: true)
        try Data("the data\n".utf8).write(to: box.root.appendingPathComponent("data/file.txt"))
    }

    @Test func aResticRepository() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-restic-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let box = try BackupSandbox(
            jobs: """
                  files:
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                    source:
                      restic: {repository: restic-repo, password_env: FILES_RESTIC_PASSWORD, tags: [nightly]}
                  broken:
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                    source:
                      restic: {repository: restic-repo, password_env: WRONG_RESTIC_PASSWORD}
                """,
            environment: [
                "FILES_RESTIC_PASSWORD": "s3cret", "WRONG_RESTIC_PASSWORD": "not it", "RESTIC_PASSWORD": "s3cret", "TZ": "UTC",
                "RESTIC_CACHE_DIR": cache.path,
            ])
        try data(box)
        try tool(box, "restic", ["init", "--repo", "restic-repo", "--quiet"])
        try tool(box, "restic", ["backup", "--repo", "restic-repo", "--quiet", "--tag", "nightly", "--time", "2026-11-21 02:15:00", "data"])
        try box.monitor(["apply", "--now", "2026-11-20T12:00:00Z"])
        // monitor is run from the sandbox: the relative repository is read there.
        try box.monitor(["scan", "--now", "2026-11-22T06:00:00Z"])

        let files = try box.occurrences("files", now: "2026-11-22T06:00:00Z").map { "\($0["scheduled_at"]!) \($0["state"]!)" }
        #expect(files == ["2026-11-22T02:00:00Z MISSING", "2026-11-21T02:00:00Z SUCCESS"])
        let broken = try box.occurrences("broken", now: "2026-11-22T06:00:00Z")
        #expect(broken.map { $0["state"] as? String } == ["FAILED", "FAILED"])
        #expect(broken.first?["message"] as? String == "restic: Fatal: wrong password or no key found")
        let status = try box.status("files", now: "2026-11-22T06:00:00Z")
        #expect(status["status"] as? String == "MISSING")
    }

    @Test func aBorgRepositoryInAJobsTimezone() throws {
        let borgHome = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-borg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: borgHome) }
        let box = try BackupSandbox(
            jobs: """
                  homes:
                    destination: nas
                    schedule: "30 1 * * *"
                    timezone: America/New_York
                    window: 2h
                    source:
                      borg: {repository: borg-repo, passphrase_env: HOMES_PASSPHRASE, glob: "homes-*"}
                """,
            environment: ["HOMES_PASSPHRASE": "borg s3cret", "BORG_PASSPHRASE": "borg s3cret", "BORG_BASE_DIR": borgHome.path])
        try data(box)
        try tool(box, "borg", ["init", "--encryption=repokey", "borg-repo"])
        // 01:50 in New York on the 21st is 06:50 UTC; borg takes --timestamp in UTC.
        try tool(box, "borg", ["create", "--timestamp", "2026-11-21T06:50:00", "borg-repo::homes-1", "data"])
        try tool(box, "borg", ["create", "--timestamp", "2026-11-22T06:45:00", "borg-repo::other-1", "data"])
        try box.monitor(["apply", "--now", "2026-11-20T12:00:00Z"])
        try box.monitor(["scan", "--now", "2026-11-22T12:00:00Z"])
        let homes = try box.occurrences("homes", now: "2026-11-22T12:00:00Z").map { "\($0["scheduled_at"]!) \($0["state"]!)" }
        #expect(homes == ["2026-11-22T06:30:00Z MISSING", "2026-11-21T06:30:00Z SUCCESS"])
    }
}
