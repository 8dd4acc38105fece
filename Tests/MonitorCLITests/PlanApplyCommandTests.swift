import Foundation
import Testing

/// `monitor plan` and `monitor apply` end to end: the built executable, real files, real SQLite.
@Suite struct PlanApplyCommandTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("backups"), withIntermediateDirectories: true)
        try Self.config(schedule: "0 1 * * *").write(to: folder.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
    }

    static func config(schedule: String, extraJob: Bool = true) -> String {
        """
        version: 1
        settings:
          state: state/monitor.sqlite
        destinations:
          nas:
            path: backups
        alert_routes:
          chat:
            webhook:
              url: https://hooks.example.com/monitor
        jobs:
          web-assets:
            destination: nas
            schedule: "\(schedule)"
            window: 1h
            routes: [chat]
        \(extraJob ? """
          legacy-ftp:
            destination: nas
            schedule: "@daily"
            window: 2h
        """ : "")
        """
    }

    func monitor(_ arguments: [String], env: [String: String] = [:]) throws -> ProcessResult {
        try runMonitor(arguments, env: env, cwd: folder)
    }

    func sql(_ query: String) throws -> String {
        let result = try runProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                """
                import sqlite3, sys
                for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join("" if v is None else str(v) for v in row))
                """, folder.appendingPathComponent("state/monitor.sqlite").path, query,
            ], environment: ["PATH": "/usr/bin:/bin:/usr/local/bin"])
        #expect(result.exit == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test func planApplyPlanShowsNoChangeThenExactlyTheEdit() throws {
        let first = try monitor(["plan", "--detailed-exitcode"])
        #expect(first.exit == 2)
        #expect(
            first.stdout == """
                Plan: 5 to add, 0 to change, 0 to remove.

                  + settings
                  + destination nas
                  + route chat
                  + job legacy-ftp
                  + job web-assets

                """)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("state").path), "plan must not create the state")

        let apply = try monitor(["apply"])
        #expect(apply.exit == 0, "\(apply.stderr)")
        #expect(apply.stdout.hasSuffix("Applied revision 1 to \(folder.path)/state/monitor.sqlite: 5 added, 0 changed, 0 removed.\n"))
        #expect(try sql("SELECT path FROM destination") == "\(folder.path)/backups\n", "relative paths are stored absolute")

        let again = try monitor(["plan", "--detailed-exitcode"])
        #expect(again.exit == 0)
        #expect(again.stdout == "No changes. The applied state matches the configuration.\n")
        let reapply = try monitor(["apply"])
        #expect(reapply.exit == 0)
        #expect(try sql("SELECT count(*) FROM revision") == "1\n", "applying nothing records nothing")

        try Self.config(schedule: "0 3 * * *", extraJob: false).write(
            to: folder.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        let edited = try monitor(["plan", "--detailed-exitcode"])
        #expect(edited.exit == 2)
        #expect(
            edited.stdout == """
                Plan: 0 to add, 1 to change, 1 to remove.

                  ~ job web-assets
                      schedule: "0 1 * * *" -> "0 3 * * *"
                  - job legacy-ftp

                Removed jobs are retired: no longer expected, their history stays (legacy-ftp).

                """)
        let json = try monitor(["plan", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(object["base_revision"] as? Int == 1)
        #expect((object["config_digest"] as? String)?.count == 64)
        #expect((object["summary"] as? [String: Int]) == ["add": 0, "change": 1, "remove": 1])
        #expect(try monitor(["apply"]).exit == 0)
        #expect(try sql("SELECT name, retired_at IS NOT NULL FROM job ORDER BY name") == "legacy-ftp|1\nweb-assets|0\n")
    }

    @Test func aSavedPlanAppliesExactlyAndIsRefusedOnceStale() throws {
        let saved = try monitor(["plan", "--out", "plan.json"])
        #expect(saved.exit == 0, "\(saved.stderr)")
        // The configuration changes after the review: the saved plan is still what gets applied.
        try Self.config(schedule: "0 5 * * *").write(to: folder.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        let apply = try monitor(["apply", "--plan", "plan.json"])
        #expect(apply.exit == 0, "\(apply.stderr)")
        #expect(try sql("SELECT schedule FROM job WHERE name = 'web-assets'") == "0 1 * * *\n")

        let stale = try monitor(["apply", "--plan", "plan.json"])
        #expect(stale.exit == 1)
        #expect(
            stale.stderr.contains("the saved plan is stale: it was made against revision 0, and the state is now at revision 1; nothing was applied"))
        #expect(try sql("SELECT count(*) FROM revision") == "1\n")
    }

    @Test func anEditedPlanFileIsRefused() throws {
        #expect(try monitor(["plan", "--out", "plan.json"]).exit == 0)
        let url = folder.appendingPathComponent("plan.json")
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "\"0 1 * * *\"", with: "\"0 9 * * *\"")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let apply = try monitor(["apply", "--plan", "plan.json"])
        #expect(apply.exit == 1)
        #expect(apply.stderr.contains("the file was edited after `monitor plan` wrote it; nothing was applied"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("state/monitor.sqlite").path))
    }

    @Test func aPlanForAnotherStateIsRefused() throws {
        #expect(try monitor(["apply"]).exit == 0)
        try Self.config(schedule: "0 4 * * *").write(to: folder.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        #expect(try monitor(["plan", "--out", "plan.json"]).exit == 0)
        // Another state that happens to be at the same revision.
        #expect(try monitor(["apply", "--state", "other.sqlite"]).exit == 0)
        let apply = try monitor(["apply", "--plan", "plan.json", "--state", "other.sqlite"])
        #expect(apply.exit == 1)
        #expect(apply.stderr.contains("it was made for another state file"))
    }

    @Test func anInvalidConfigurationPrintsTheCheckDiagnosticsAndChangesNothing() throws {
        try "version: 1\njobs:\n  db:\n    shedule: '@daily'\n".write(
            to: folder.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        for command in ["plan", "apply"] {
            let result = try monitor([command])
            #expect(result.exit == 1)
            #expect(result.stderr.contains("monitor.yaml:4:5: error: unknown key \"shedule\" in job \"db\"; did you mean \"schedule\"?"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("state").path))
    }

    @Test func stateDiscoveryPrefersTheOptionThenTheEnvironment() throws {
        #expect(try monitor(["apply"], env: ["MONITOR_STATE": "from-env.sqlite"]).exit == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("from-env.sqlite").path))
        #expect(try monitor(["apply", "--state", "from-option.sqlite"], env: ["MONITOR_STATE": "from-env.sqlite"]).exit == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("from-option.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("state").path))
    }

    @Test func aCorruptStateIsAClearErrorAndIsLeftAlone() throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("state"), withIntermediateDirectories: true)
        let state = folder.appendingPathComponent("state/monitor.sqlite")
        try Data("not a database".utf8).write(to: state)
        let result = try monitor(["apply"])
        #expect(result.exit == 1)
        #expect(result.stderr.contains("is not a monitor state file (it is not an SQLite database); nothing was changed"))
        #expect(try Data(contentsOf: state) == Data("not a database".utf8))
    }

    @Test func aRevisionRecordsTheGitCommitOfTheConfiguration() throws {
        let git = { (arguments: [String]) throws -> ProcessResult in
            try runProcess(
                URL(fileURLWithPath: "/usr/bin/env"), ["git", "-C", folder.path] + arguments,
                environment: [
                    "PATH": "/usr/bin:/bin", "HOME": folder.path, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                ])
        }
        #expect(try git(["init", "-q", "-b", "ops"]).exit == 0)
        #expect(try git(["add", "monitor.yaml"]).exit == 0)
        #expect(try git(["commit", "-q", "-m", "jobs"]).exit == 0)
        let head = try git(["rev-parse", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try monitor(["apply", "--now", "2026-11-24T10:00:00Z"], env: ["USER": "alice"]).exit == 0)
        #expect(try sql("SELECT git_commit, git_branch, git_dirty, user, applied_at FROM revision") == "\(head)|ops|0|alice|2026-11-24T10:00:00Z\n")
    }
}
