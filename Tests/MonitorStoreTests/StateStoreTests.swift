import Foundation
import GRDB
import MonitorCore
import MonitorTestSupport
import Testing

@testable import MonitorStore

/// Real SQLite files in temporary folders.
@Suite struct StateStoreTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "monitor-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func context(_ time: String = "2026-11-24T10:00:00Z") -> ApplyContext {
        ApplyContext(
            configPath: "/etc/monitor/monitor.yaml", git: GitInfo(commit: "abc123", branch: "main", dirty: false),
            user: "ops", host: "backup-1", now: Timestamp.parse(time)!)
    }

    @Test(.enabled(if: TestState.isSQLite, "about the SQLite file")) func migratesAnEmptyFileAndCreatesItsFolder() throws {
        let path = folder + "/nested/deeper/state.sqlite"
        let store = try StateStore.open(path: path, create: true)
        #expect(FileManager.default.fileExists(atPath: path))
        let applied = try store.appliedState()
        #expect(applied.revision == 0)
        #expect(applied.desired == nil)
        #expect(!applied.stateID.isEmpty)
        // Reopening keeps the identity and does not migrate twice.
        let again = try StateStore.open(path: path, create: true)
        #expect(try again.stateID() == applied.stateID)
    }

    @Test(.enabled(if: TestState.isSQLite, "about the SQLite file")) func aMissingStateIsAnErrorWithoutCreate() throws {
        #expect(throws: StoreError.missing(path: folder + "/none.sqlite")) {
            try StateStore.open(path: folder + "/none.sqlite", create: false)
        }
    }

    @Test func applyIsIdempotentAndRecordsOneRevision() throws {
        let store = try StateStore.open(path: TestState.location(folder + "/s.sqlite"), create: true)
        let desired = Samples.desired()
        let first = try #require(try store.apply(desired, baseRevision: 0, context: context()))
        #expect(first.id == 1)
        #expect(first.summary == Plan.Summary(add: 5, change: 0, remove: 0))
        #expect(first.git?.commit == "abc123")
        #expect(try store.apply(desired, baseRevision: 1, context: context()) == nil)
        #expect(try store.revisions().count == 1)
        #expect(try store.appliedState().desired == desired)
    }

    @Test func aStaleBaseRevisionIsRefusedAndChangesNothing() throws {
        let store = try StateStore.open(path: TestState.location(folder + "/s.sqlite"), create: true)
        try store.apply(Samples.desired(), baseRevision: 0, context: context())
        var changed = Samples.desired()
        changed.jobs[0].window = TimeSpan(seconds: 7200)
        #expect(throws: StoreError.self) { try store.apply(changed, baseRevision: 0, context: context()) }
        #expect(try store.appliedState().desired == Samples.desired())
        #expect(try store.revisions().count == 1)
    }

    @Test func removingAJobRetiresItAndDeclaringItAgainRevivesItWithItsHistory() throws {
        let store = try StateStore.open(path: TestState.location(folder + "/s.sqlite"), create: true)
        try store.apply(Samples.desired(), baseRevision: 0, context: context("2026-11-01T00:00:00Z"))
        try store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO occurrence (job, scheduled_at, window_end, state) VALUES ('db', '2026-11-02T02:00:00Z', '2026-11-02T05:00:00Z', 'SUCCESS')
                    """)
        }
        var without = Samples.desired()
        without.jobs.removeAll { $0.name == "db" }
        let retire = try #require(try store.apply(without, baseRevision: 1, context: context("2026-11-10T00:00:00Z")))
        #expect(retire.summary.remove == 1)
        let applied = try store.appliedState()
        #expect(applied.retiredJobs == ["db"])
        #expect(applied.desired?.jobs.map(\.name) == ["web"])

        let plan = try Planner.plan(from: applied.desired, to: Samples.desired(), retiredJobs: applied.retiredJobs)
        #expect(plan.changes.map(\.revives) == [true])
        try store.apply(Samples.desired(), baseRevision: 2, context: context("2026-11-20T00:00:00Z"))
        let row = try store.read { db in
            try SQLRow.fetchOne(db, sql: "SELECT first_applied_at, active_since, retired_at FROM job WHERE name = 'db'")!
        }
        #expect(row["first_applied_at"] as String == "2026-11-01T00:00:00Z")
        #expect(row["active_since"] as String == "2026-11-20T00:00:00Z")
        #expect(row["retired_at"] as String? == nil)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM occurrence WHERE job = 'db'") } == 1)
    }

    @Test(.enabled(if: TestState.isSQLite, "about the SQLite file")) func aFileThatIsNotSQLiteIsRefusedUntouched() throws {
        let path = folder + "/notes.txt"
        try Data("these are my notes\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notAStateFile(path: path, reason: "it is not an SQLite database")) {
            try StateStore.open(path: path, create: true)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "these are my notes\n")
    }

    @Test(.enabled(if: TestState.isSQLite, "about the SQLite file")) func anotherProgramsDatabaseIsRefused() throws {
        let path = folder + "/other.sqlite"
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE photos (id INTEGER)") }
        try queue.close()
        #expect(throws: StoreError.notAStateFile(path: path, reason: "it is an SQLite database of another program")) {
            try StateStore.open(path: path, create: true)
        }
    }

    @Test(.enabled(if: TestState.isSQLite, "about the SQLite file")) func aStateFromANewerMonitorIsRefusedUntouched() throws {
        let path = folder + "/s.sqlite"
        _ = try StateStore.open(path: path, create: true)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')") }
        try queue.close()
        #expect(throws: StoreError.newerSchema(path: path, unknown: ["v9-from-the-future"])) {
            try StateStore.open(path: path, create: true)
        }
    }

    @Test(.enabled(if: TestState.isSQLite, "about the SQLite file")) func aCorruptStateIsAClearError() throws {
        let path = folder + "/s.sqlite"
        let store = try StateStore.open(path: path, create: true)
        try store.apply(Samples.desired(), baseRevision: 0, context: context())
        // Keep the SQLite header, destroy the rest.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for index in 100..<bytes.count { bytes[index] = 0xA5 }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) {
            let reopened = try StateStore.open(path: path, create: true)
            _ = try reopened.appliedState()
        }
    }

    @Test(.enabled(if: TestState.isSQLite, "about the SQLite file")) func aStateUnderAFileCannotBeCreated() throws {
        let blocker = folder + "/blocker"
        try Data().write(to: URL(fileURLWithPath: blocker))
        do {
            _ = try StateStore.open(path: blocker + "/state.sqlite", create: true)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("cannot create the state folder"))
        }
    }

    /// `apply` while another process holds a read transaction open (WAL lets a writer go on).
    @Test(.enabled(if: TestState.isSQLite, "about the SQLite file")) func applyWhileAnotherProcessHoldsAReadTransaction() throws {
        let path = folder + "/s.sqlite"
        let store = try StateStore.open(path: path, create: true)
        try store.apply(Samples.desired(), baseRevision: 0, context: context())
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reader.arguments = [
            "python3", "-c",
            """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN")
            print(db.execute("SELECT count(*) FROM job").fetchone()[0], flush=True)
            time.sleep(3)
            print(db.execute("SELECT count(*) FROM job").fetchone()[0], flush=True)
            db.execute("COMMIT")
            """, path,
        ]
        let pipe = Pipe()
        reader.standardOutput = pipe
        try reader.run()
        // Wait until the reader has its snapshot.
        let handle = pipe.fileHandleForReading
        var seen = Data()
        while !seen.contains(UInt8(ascii: "\n")) { seen += handle.availableData }
        var changed = Samples.desired()
        changed.jobs.append(Job(name: "extra", destination: "nas", schedule: try CronSchedule(parsing: "@hourly"), window: TimeSpan(seconds: 600)))
        let revision = try store.apply(changed, baseRevision: 1, context: context())
        #expect(revision?.id == 2)
        seen += handle.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(reader.terminationStatus == 0)
        // The reader kept its snapshot (2 jobs) while the write landed (3 jobs now).
        #expect(String(decoding: seen, as: UTF8.self) == "2\n2\n")
        #expect(try store.appliedState().desired?.jobs.count == 3)
    }
}

enum Samples {
    static func desired() -> DesiredState {
        let email = EmailChannel(
            to: [try! EmailAddress(parsing: "ops@example.com")], from: try! EmailAddress(parsing: "monitor@example.com"),
            smtpURL: "smtp://mail.example.com:587", username: "monitor", passwordEnv: "SMTP_PASSWORD")
        return DesiredState(
            settings: Settings(state: "/var/lib/monitor/state.sqlite"),
            destinations: [Destination(name: "nas", path: "/srv/backups")],
            routes: [AlertRoute(name: "ops", channel: .email(email))],
            jobs: [
                Job(
                    name: "db", destination: "nas", schedule: try! CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 3 * 3600),
                    timezone: "Europe/Paris", routes: ["ops"], labels: ["team": "data"], description: "pg_dump"),
                Job(name: "web", destination: "nas", schedule: try! CronSchedule(parsing: "30 */6 * * *"), window: TimeSpan(seconds: 3600)),
            ])
    }
}
