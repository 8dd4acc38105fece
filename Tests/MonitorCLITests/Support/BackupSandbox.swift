import Foundation
import Testing

/// A temporary folder with a configuration, a state and a destination, driven through the
/// built `monitor` executable as an operator and a producer would. The folder goes with it.
final class BackupSandbox {
    let root: URL
    var backups: URL { root.appendingPathComponent("backups") }

    /// The environment every `monitor` of this sandbox runs with (a route's password, say).
    let environment: [String: String]

    /// `jobs` is the YAML of the `jobs:` section's entries, indented by four spaces per level;
    /// `routes`, when given, that of `alert_routes:` (for example ``MailServer/route`` under a name).
    init(jobs: String, keepVersions: Int = 3, routes: String? = nil, environment: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-sandbox-\(UUID().uuidString)")
        self.environment = environment
        try FileManager.default.createDirectory(at: root.appendingPathComponent("backups"), withIntermediateDirectories: true)
        try """
        version: 1
        settings:
          state: state/monitor.sqlite
        destinations:
          nas:
            path: backups
            keep_versions: \(keepVersions)
        \(routes.map { "alert_routes:\n\($0)\n" } ?? "")jobs:
        \(jobs)
        """.write(to: root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// A daily job `db` (02:00 UTC, 3 h window) on destination `nas`, applied on 2026-11-20 at
    /// noon, so the first expected run is the night of the 21st.
    /// `appliedAt: nil` applies at the real time (for tests with a real daemon).
    static func dailyJob(keepVersions: Int = 3, appliedAt: String? = "2026-11-20T12:00:00Z") throws -> BackupSandbox {
        let box = try BackupSandbox(
            jobs: """
                  db:
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                """, keepVersions: keepVersions)
        try box.monitor(["apply"] + (appliedAt.map { ["--now", $0] } ?? []))
        return box
    }

    @discardableResult
    func monitor(_ arguments: [String], expecting exit: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let result = try runMonitor(arguments, env: environment, cwd: root)
        #expect(result.exit == exit, "monitor \(arguments.joined(separator: " ")): \(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    func staging(_ job: String) -> URL { backups.appendingPathComponent(job).appendingPathComponent("staging") }

    /// Writes `files` (relative path → content) into the job's staging folder.
    func stage(_ job: String, _ files: [String: Data]) throws {
        for (path, content) in files {
            let url = staging(job).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url)
        }
    }

    /// Writes a status file by hand, with its modification time set to `modified`.
    func writeStatus(_ job: String, _ text: String, modified: Date) throws {
        let url = staging(job).appendingPathComponent("STATUS.json")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path)
    }

    /// `status --job NAME --format json` as a dictionary.
    func status(_ job: String, now: String) throws -> [String: Any] {
        let result = try monitor(["status", "--job", job, "--format", "json", "--now", now])
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
    }

    func occurrences(_ job: String, now: String) throws -> [[String: Any]] {
        try status(job, now: now)["occurrences"] as! [[String: Any]]
    }

    /// Where `current_version` points, relative to the job folder.
    func currentVersion(_ job: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: backups.appendingPathComponent(job).appendingPathComponent("current_version").path)
    }

    func versions(_ job: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: backups.appendingPathComponent(job).appendingPathComponent("versions").path)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
    }
}

func date(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    return formatter.date(from: text)!
}
