import Foundation
import MonitorTestSupport
import Testing

/// `monitor state copy` (SPEC §12) end to end: the built executable, a real SQLite file and a real
/// PostgreSQL server, a state with a history made by the commands an operator runs.
@Suite("monitor state copy", .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason ?? "")), .serialized)
struct StateCopyCommandTests {
    static let now = "2026-11-24T12:00:00Z"

    /// Every table a state has, with the order that lists its rows one way on both engines.
    static let tables: [(name: String, order: String)] = [
        ("meta", "key"), ("revision", "id"), ("settings", "id"), ("destination", "name"), ("alert_route", "name"), ("job", "name"),
        ("occurrence", "id"), ("status_file", "job, sha256"), ("version", "job, id"), ("version_file", "job, version_id, path"),
        ("outbox", "id"), ("scan", "id"), ("silence", "id"), ("ping", "id"), ("agent", "name"),
    ]

    /// A sandbox whose state has lived a few nights: two jobs on a webhook route nobody answers
    /// (so the outbox holds undelivered notifications, retried), a promoted version, a failure,
    /// a missed run and a silence.
    static func history(password: String) throws -> BackupSandbox {
        let box = try BackupSandbox(
            jobs: """
                  db:
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                    routes: [hook]
                  web:
                    destination: nas
                    schedule: "0 3 * * *"
                    window: 2h
                    routes: [hook]
                """,
            routes: """
                  hook:
                    webhook:
                      url: http://127.0.0.1:9/hook
                """, environment: ["PGPASSWORD": password])
        // A host for the destination, which an SQLite state ignores and a PostgreSQL one needs.
        let config = box.root.appendingPathComponent("monitor.yaml")
        let yaml = try String(contentsOf: config, encoding: .utf8)
        try yaml.replacingOccurrences(of: "settings:\n", with: "settings:\n  default_host: backup-01\n").write(
            to: config, atomically: true, encoding: .utf8)
        try box.monitor(["apply", "--now", "2026-11-20T12:00:00Z"])
        try box.stage("db", ["dump.sql": Data("night one".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-21T02:30:00Z"])
        try box.stage("web", ["site.tar": Data("site".utf8)])
        try box.monitor(["seal", "backups/web/staging", "--status", "SUCCESS", "--finished-at", "2026-11-21T03:20:00Z"])
        try box.monitor(["scan", "--now", "2026-11-21T06:00:00Z"])
        try box.monitor([
            "seal", "backups/db/staging", "--status", "FAILED", "--finished-at", "2026-11-22T02:40:00Z", "--message", "pg_dump: disk full",
        ])
        try box.monitor(["scan", "--now", "2026-11-22T06:00:00Z"])
        try box.monitor(["silence", "add", "--job", "web", "--for", "3d", "--reason", "site moved", "--now", "2026-11-22T07:00:00Z"])
        try box.stage("db", ["dump.sql": Data("night three, bigger".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-23T02:35:00Z"])
        try box.monitor(["scan", "--now", "2026-11-23T06:00:00Z"])
        return box
    }

    /// Every row of every table of an SQLite state, as text (python3's sqlite3, not the code under test).
    static func dump(sqlite path: URL) throws -> [String: String] {
        var rows: [String: String] = [:]
        for table in Self.tables {
            let result = try runProcess(
                URL(fileURLWithPath: "/usr/bin/env"),
                [
                    "python3", "-c",
                    """
                    import sqlite3, sys
                    for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print(repr(row))
                    """, path.path, "SELECT * FROM \(table.name) ORDER BY \(table.order)",
                ], environment: ["PATH": "/usr/bin:/bin:/usr/local/bin"])
            #expect(result.exit == 0, "\(result.stderr)")
            rows[table.name] = result.stdout
        }
        return rows
    }

    /// The row counts of every table of a PostgreSQL state.
    static func counts(postgres url: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in tables { counts[table.name] = Int(try TestPostgres.shared.psql(url, "SELECT count(*) FROM \(table.name)")) }
        return counts
    }

    static func sqliteCount(_ path: URL, _ table: String) throws -> Int {
        let result = try runProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])", path.path,
                "SELECT count(*) FROM \(table)",
            ],
            environment: ["PATH": "/usr/bin:/bin:/usr/local/bin"])
        return Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    static func status(_ box: BackupSandbox, _ state: String, job: String? = nil) throws -> String {
        try box.monitor(["status", "--state", state, "--format", "json", "--now", now] + (job.map { ["--job", $0] } ?? [])).stdout
    }

    @Test(.timeLimit(.minutes(3)))
    func aRoundTripThroughPostgreSQLGivesTheSameStateBack() throws {
        let postgres = try TestPostgres.shared
        let database = try postgres.makeDatabase()
        let box = try Self.history(password: database.password)
        let original = box.root.appendingPathComponent("state/monitor.sqlite")
        let back = box.root.appendingPathComponent("copies/back.sqlite")

        let there = try box.monitor(["state", "copy", "--from", "state/monitor.sqlite", "--to", database.url])
        #expect(there.stdout.hasPrefix("Copied the state \(original.path) to \(database.url):\n"), "\(there.stdout)")
        #expect(there.stdout.contains("\n  occurrence    6\n"), "\(there.stdout)")
        let again = try box.monitor(["state", "copy", "--from", database.url, "--to", "copies/back.sqlite"])
        #expect(again.stdout.hasPrefix("Copied the state \(database.url) to \(back.path):\n"), "\(again.stdout)")
        // What was copied was the whole history, not an empty state.
        #expect(try Self.sqliteCount(original, "outbox") >= 2)
        #expect(try Self.sqliteCount(original, "silence") == 1)
        #expect(try Self.sqliteCount(original, "version") == 3)

        // The same status, byte for byte, from all three, for the jobs and for each job's history.
        let states = ["state/monitor.sqlite", database.url, "copies/back.sqlite"]
        for job in [nil, "db", "web"] {
            let answers = try states.map { try Self.status(box, $0, job: job) }
            #expect(answers[0].contains("\"jobs\"") || answers[0].contains("\"occurrences\""), "\(answers[0])")
            #expect(answers[1] == answers[0], "PostgreSQL copy, job \(job ?? "all")")
            #expect(answers[2] == answers[0], "SQLite copy back, job \(job ?? "all")")
        }
        #expect(try Self.status(box, database.url, job: "web").contains("\"silenced\""))

        // Every row of every table came back as it was (the state's identity included).
        let before = try Self.dump(sqlite: original)
        let after = try Self.dump(sqlite: back)
        for table in Self.tables { #expect(after[table.name] == before[table.name], "table \(table.name)") }
        // And PostgreSQL held them: the outbox and the revisions, compared field by field.
        let outboxSQL = """
            SELECT id, route, job, event, dedup_key, payload, attempts, last_error, silenced,
                   to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), delivered_at IS NULL
            FROM outbox ORDER BY id
            """
        let outboxPG = try postgres.psql(database.url, outboxSQL)
        let outboxSQLite = try runProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                """
                import sqlite3, sys
                rows = sqlite3.connect(sys.argv[1]).execute("SELECT id, route, job, event, dedup_key, payload, attempts, last_error, silenced, created_at, next_attempt_at, delivered_at IS NULL FROM outbox ORDER BY id")
                print("\\n".join("|".join("" if v is None else (("t" if v == 1 else "f") if i == 11 else str(v)) for i, v in enumerate(r)) for r in rows))
                """, original.path,
            ], environment: ["PATH": "/usr/bin:/bin:/usr/local/bin"]
        ).stdout.trimmingCharacters(in: .newlines)
        #expect(outboxPG == outboxSQLite)
        let revisionsPG = try postgres.psql(
            database.url,
            "SELECT id, config_digest, config_path, \"user\", host, added, changed, removed, desired, "
                + "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM revision ORDER BY id")
        #expect(revisionsPG.contains("2026-11-20T12:00:00Z"))
        #expect(before["revision"]?.contains(try #require(revisionsPG.split(separator: "|").dropFirst().first).description) == true)
        #expect(try postgres.psql(database.url, "SELECT value FROM meta WHERE key = 'state_id'").count == 36)
        #expect(before["meta"]?.contains(try postgres.psql(database.url, "SELECT value FROM meta WHERE key = 'state_id'")) == true)

        // The copies live on: new rows get new ids on PostgreSQL (its identities were moved past
        // the copied ones) and on SQLite.
        for state in [database.url, "copies/back.sqlite"] {
            try box.monitor(["scan", "--state", state, "--host", "backup-01", "--now", "2026-11-24T06:00:00Z"])
            let added = try box.monitor(["silence", "add", "--state", state, "--job", "db", "--for", "1d", "--reason", "moving", "--now", Self.now])
            #expect(added.stdout == "2\n", "silence id on \(state)")
        }
        #expect(try postgres.psql(database.url, "SELECT count(*) FROM occurrence") == "8")
    }

    @Test(.timeLimit(.minutes(3)))
    func aTargetThatHoldsAStateIsRefusedAndLeftAsItWas() throws {
        let postgres = try TestPostgres.shared
        let database = try postgres.makeDatabase()
        let box = try Self.history(password: database.password)
        try box.monitor(["state", "copy", "--from", "state/monitor.sqlite", "--to", database.url])
        let countsBefore = try Self.counts(postgres: database.url)
        // Another state (a second sandbox's) into the PostgreSQL state and into the first SQLite file.
        let other = try BackupSandbox.dailyJob()
        let otherState = other.root.appendingPathComponent("state/monitor.sqlite").path
        for target in [database.url, "state/monitor.sqlite"] {
            let refused = try box.monitor(["state", "copy", "--from", otherState, "--to", target], expecting: 1)
            #expect(refused.stdout.isEmpty)
            #expect(refused.stderr.contains("already holds a state"), "\(refused.stderr)")
            #expect(refused.stderr.contains("only fills an empty one"), "\(refused.stderr)")
        }
        #expect(try Self.counts(postgres: database.url) == countsBefore)
        #expect(try Self.sqliteCount(box.root.appendingPathComponent("state/monitor.sqlite"), "revision") == 1)
        #expect(try Self.status(box, "state/monitor.sqlite") == (try Self.status(box, database.url)))
        // A state onto itself, by another spelling of its path.
        let itself = try box.monitor(["state", "copy", "--from", "state/monitor.sqlite", "--to", "state/../state/monitor.sqlite"], expecting: 1)
        #expect(itself.stderr.contains("the same state"), "\(itself.stderr)")
    }

    @Test(.timeLimit(.minutes(3)))
    func aCopyThatFailsHalfWayLeavesTheTargetEmpty() throws {
        let postgres = try TestPostgres.shared
        let database = try postgres.makeDatabase()
        let box = try Self.history(password: database.password)
        // A database with the schema and no state: a first copy, emptied again.
        try box.monitor(["state", "copy", "--from", "state/monitor.sqlite", "--to", database.url])
        let data = Self.tables.map(\.name).filter { $0 != "meta" }
        try postgres.psql(database.url, "TRUNCATE \(data.joined(separator: ", "))")
        let meta = try postgres.psql(database.url, "SELECT key, value FROM meta ORDER BY key")
        // This target refuses the ledger's MISSING runs: revisions, jobs and settings go in first, then the copy fails.
        try postgres.psql(database.url, "ALTER TABLE occurrence ADD CONSTRAINT no_missing CHECK (state <> 'MISSING')")
        let failed = try box.monitor(["state", "copy", "--from", "state/monitor.sqlite", "--to", database.url], expecting: 1)
        #expect(failed.stdout.isEmpty)
        #expect(failed.stderr.contains("cannot copy the rows of occurrence"), "\(failed.stderr)")
        #expect(failed.stderr.contains("no_missing"), "\(failed.stderr)")
        for table in data { #expect(try postgres.psql(database.url, "SELECT count(*) FROM \(table)") == "0", "\(table) after a failed copy") }
        #expect(try postgres.psql(database.url, "SELECT key, value FROM meta ORDER BY key") == meta)

        // Into a new SQLite file, from a damaged source (a run of a job that does not exist, which
        // SQLite's foreign keys refuse): the file the copy created is gone again.
        let damaged = try postgres.makeDatabase()
        try box.monitor(["state", "copy", "--from", "state/monitor.sqlite", "--to", damaged.url])
        try postgres.psql(
            damaged.url,
            """
            ALTER TABLE occurrence DROP CONSTRAINT occurrence_job_fkey;
            INSERT INTO occurrence (job, scheduled_at, window_end, state) VALUES ('ghost', '2026-11-21T02:00:00Z', '2026-11-21T05:00:00Z', 'MISSING')
            """)
        let intoFile = try box.monitor(["state", "copy", "--from", damaged.url, "--to", "copies/new.sqlite"], expecting: 1)
        #expect(intoFile.stderr.contains("cannot copy the rows of occurrence"), "\(intoFile.stderr)")
        let copies = box.root.appendingPathComponent("copies").path
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: copies)) ?? []).isEmpty)
    }

    @Test(.timeLimit(.minutes(3)))
    func aNewerTargetAWrongPasswordAndAMissingSourceAreClearErrors() throws {
        let postgres = try TestPostgres.shared
        let database = try postgres.makeDatabase()
        let box = try Self.history(password: database.password)
        // A database a newer monitor has upgraded: refused before anything is written.
        try box.monitor(["state", "copy", "--from", "state/monitor.sqlite", "--to", database.url])
        try postgres.psql(
            database.url,
            "TRUNCATE revision, settings, destination, alert_route, job, occurrence, status_file, version, version_file, outbox, scan, silence, ping, agent"
        )
        try postgres.psql(database.url, "INSERT INTO schema_migration (identifier) VALUES ('v99-from-the-future')")
        let newer = try box.monitor(["state", "copy", "--from", "state/monitor.sqlite", "--to", database.url], expecting: 1)
        #expect(newer.stderr.contains("newer monitor"), "\(newer.stderr)")
        #expect(try postgres.psql(database.url, "SELECT count(*) FROM revision") == "0")

        // A wrong password, read from the variable named by --to-password-env.
        let fresh = try postgres.makeDatabase()
        let wrong = try runMonitor(
            ["state", "copy", "--from", "state/monitor.sqlite", "--to", fresh.url, "--to-password-env", "TARGET_PASSWORD"],
            env: ["TARGET_PASSWORD": "not-the-password", "PGPASSWORD": fresh.password], cwd: box.root)
        #expect(wrong.exit == 1)
        #expect(wrong.stderr.contains("refused the login"), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("$TARGET_PASSWORD"), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains("not-the-password"))
        // The right one from that variable, and the source's from --from-password-env.
        let right = try runMonitor(
            ["state", "copy", "--from", "state/monitor.sqlite", "--to", fresh.url, "--to-password-env", "TARGET_PASSWORD"],
            env: ["TARGET_PASSWORD": fresh.password], cwd: box.root)
        #expect(right.exit == 0, "\(right.stderr)")
        let fromPostgres = try runMonitor(
            ["state", "copy", "--from", fresh.url, "--from-password-env", "SOURCE_PASSWORD", "--to", "copies/c.sqlite"],
            env: ["SOURCE_PASSWORD": fresh.password], cwd: box.root)
        #expect(fromPostgres.exit == 0, "\(fromPostgres.stderr)")

        // A source that is not there, or holds nothing yet: nothing is created.
        let missing = try box.monitor(["state", "copy", "--from", "nowhere.sqlite", "--to", "copies/d.sqlite"], expecting: 1)
        #expect(missing.stderr.contains("no state at"), "\(missing.stderr)")
        let empty = try postgres.makeDatabase()
        let nothing = try box.monitor(["state", "copy", "--from", empty.url, "--to", "copies/e.sqlite"], expecting: 1)
        #expect(nothing.stderr.contains("no state at"), "\(nothing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: box.root.appendingPathComponent("copies/d.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: box.root.appendingPathComponent("copies/e.sqlite").path))
    }
}
