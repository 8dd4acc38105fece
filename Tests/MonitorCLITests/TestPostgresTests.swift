import Foundation
import MonitorTestSupport
import Testing

/// The PostgreSQL harness the state's tests stand on: `scripts/postgres-test-server` and
/// ``TestPostgres``. Skipped only where PostgreSQL is not installed and `$CI` is not set.
@Suite(.enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason ?? "")), .serialized)
struct TestPostgresTests {
    /// Connects with `psql` as a client would, with `password` (none when nil), and runs `sql`.
    static func connect(_ url: String, password: String?, _ sql: String = "SELECT current_user") throws -> ProcessResult {
        var environment = ["PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10", "PGPASSFILE": "/nonexistent/pgpass"]
        environment["PGPASSWORD"] = password
        return try runProcess(
            TestPostgres.program("psql"),
            ["--no-psqlrc", "--no-password", "--tuples-only", "--no-align", "--dbname", url, "--command", sql],
            environment: environment)
    }

    static func script(_ arguments: [String]) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        return try runProcess(
            URL(fileURLWithPath: "/bin/bash"),
            [TestPostgres.repositoryRoot.appendingPathComponent("scripts/postgres-test-server").path] + arguments,
            environment: environment)
    }

    static func newFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("monitor-postgres-script-\(UUID().uuidString)")
    }

    /// The real user id of the server's postmaster, from its pid file and /proc.
    static func serverUID(_ folder: URL) throws -> Int? {
        let pidFile = try String(contentsOf: folder.appendingPathComponent("data/postmaster.pid"), encoding: .utf8)
        let pid = try #require(pidFile.split(separator: "\n").first)
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Uid:") })
        return line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap { Int($0) }
    }

    @Test(.timeLimit(.minutes(2))) func twoDatabasesAreDistinctEmptyAndConnectable() throws {
        let postgres = try TestPostgres.shared
        let first = try postgres.makeDatabase()
        let second = try postgres.makeDatabase()
        #expect(first.url != second.url)
        for database in [first, second] {
            let name = TestPostgres.databaseName(database.url)
            #expect(name.hasPrefix("test_"))
            #expect(database.url == "postgres://\(postgres.user)@\(postgres.host):\(postgres.port)/\(name)?sslmode=disable")
            #expect(database.password == postgres.password)
            // A client connects with the URL as given (its query included).
            let connected = try Self.connect(database.url, password: database.password, "SELECT current_database()")
            #expect(connected.exit == 0, "\(connected.stderr)")
            #expect(connected.stdout == name + "\n")
            // Empty: nothing outside the system schemas.
            let objects = try postgres.psql(
                database.url,
                """
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
                """)
            #expect(objects == "0")
        }
        // What one test writes, the other never sees.
        try postgres.psql(first.url, "CREATE TABLE marker (value text); INSERT INTO marker VALUES ('first')")
        #expect(try postgres.psql(first.url, "SELECT value FROM marker") == "first")
        #expect(try postgres.psql(second.url, "SELECT to_regclass('public.marker') IS NULL") == "t")
        // An SQL error is thrown, with PostgreSQL's message.
        let error = #expect(throws: TestPostgresError.self) { try postgres.psql(second.url, "SELECT value FROM marker") }
        #expect(error?.description.contains("relation \"marker\" does not exist") == true)
        try postgres.dropDatabase(first.url)
        #expect(try postgres.psql("postgres", "SELECT count(*) FROM pg_database WHERE datname = '\(TestPostgres.databaseName(first.url))'") == "0")
    }

    @Test(.timeLimit(.minutes(2))) func databasesMadeAtOnceAreAllDifferent() async throws {
        let postgres = try TestPostgres.shared
        let urls = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try postgres.makeDatabase().url } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(urls).count == 8)
        let listed = Set(try postgres.psql("postgres", "SELECT datname FROM pg_database").split(separator: "\n").map(String.init))
        #expect(Set(urls.map(TestPostgres.databaseName)).isSubset(of: listed))
    }

    @Test(.timeLimit(.minutes(2))) func aWrongPasswordOrNoneIsRefused() throws {
        let postgres = try TestPostgres.shared
        let database = try postgres.makeDatabase()
        let right = try Self.connect(database.url, password: database.password)
        #expect(right.exit == 0, "\(right.stderr)")
        #expect(right.stdout == postgres.user + "\n")
        let wrong = try Self.connect(database.url, password: database.password + "x")
        #expect(wrong.exit != 0)
        #expect(wrong.stderr.contains("password authentication failed for user \"\(postgres.user)\""), "\(wrong.stderr)")
        let none = try Self.connect(database.url, password: nil)
        #expect(none.exit != 0)
        #expect(none.stderr.contains("no password supplied"), "\(none.stderr)")
    }

    @Test(.timeLimit(.minutes(2))) func everyConnectionNeedsAPasswordStoredAsSCRAM() throws {
        let postgres = try TestPostgres.shared
        try #require(
            try postgres.psql("postgres", "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") == "t",
            "reading pg_hba_file_rules and pg_authid needs the server's superuser (scripts/postgres-test-server makes one)")
        #expect(try postgres.psql("postgres", "SELECT DISTINCT auth_method FROM pg_hba_file_rules") == "scram-sha-256")
        #expect(try postgres.psql("postgres", "SHOW password_encryption") == "scram-sha-256")
        #expect(try postgres.psql("postgres", "SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = current_user") == "SCRAM-SHA-256$")
    }

    @Test(.timeLimit(.minutes(2))) func theScriptStartsAServerAndStopLeavesNothing() throws {
        let folder = Self.newFolder()
        defer { _ = try? Self.script(["stop", folder.path]) }
        let started = try Self.script(["start", folder.path])
        try #require(started.exit == 0, "\(started.stderr)")
        let url = started.stdout.trimmingCharacters(in: .newlines)
        #expect(url.wholeMatch(of: /postgres:\/\/monitor@127\.0\.0\.1:[0-9]+\/postgres/) != nil, "\(url)")
        #expect(try String(contentsOf: folder.appendingPathComponent("url"), encoding: .utf8) == url + "\n")
        let password = try String(contentsOf: folder.appendingPathComponent("password"), encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(password.count == 32)
        let connected = try Self.connect(
            url, password: password, "SELECT current_user, current_setting('max_connections')::int >= 200, current_setting('fsync')")
        #expect(connected.stdout == "monitor|t|off\n", "\(connected.stderr)")
        // PostgreSQL never runs as root: as root, the script hands it to an unprivileged user.
        let uid = try #require(try Self.serverUID(folder))
        #expect(uid != 0)
        if getuid() != 0 { #expect(uid == Int(getuid())) }

        // Starting into a folder in use is refused; the running server is untouched.
        let again = try Self.script(["start", folder.path])
        #expect(again.exit != 0)
        #expect(again.stderr.contains("is not an empty folder"), "\(again.stderr)")
        #expect(try Self.connect(url, password: password).exit == 0)

        let stopped = try Self.script(["stop", folder.path])
        #expect(stopped.exit == 0, "\(stopped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        #expect(try Self.connect(url, password: password).exit != 0)
        // Stopping what is already gone is not an error.
        #expect(try Self.script(["stop", folder.path]).exit == 0)
    }

    @Test(.timeLimit(.minutes(2))) func aServerWatchingAProcessGoesWhenItDies() throws {
        let folder = Self.newFolder()
        defer { _ = try? Self.script(["stop", folder.path]) }
        let owner = Process()
        owner.executableURL = URL(fileURLWithPath: "/bin/sleep")
        owner.arguments = ["600"]
        try owner.run()
        defer { if owner.isRunning { kill(owner.processIdentifier, SIGKILL) } }

        let started = try Self.script(["start", folder.path, "--watch", String(owner.processIdentifier)])
        try #require(started.exit == 0, "\(started.stderr)")
        let url = started.stdout.trimmingCharacters(in: .newlines)
        let password = try String(contentsOf: folder.appendingPathComponent("password"), encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(try Self.connect(url, password: password).exit == 0)

        kill(owner.processIdentifier, SIGKILL)
        owner.waitUntilExit()
        let deadline = Date().addingTimeInterval(15)
        while FileManager.default.fileExists(atPath: folder.path) && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        #expect(try Self.connect(url, password: password).exit != 0)
    }
}
