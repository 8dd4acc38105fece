import Foundation

/// A real PostgreSQL server for the tests of the PostgreSQL state, and a database of its own for
/// every test that asks (``makeDatabase()``), so tests running in parallel never share one.
///
/// The server is the one named by `$MONITOR_TEST_POSTGRES_URL` and `$MONITOR_TEST_POSTGRES_PASSWORD`
/// when they are set (`scripts/test` starts one for the whole run); otherwise this test process
/// starts its own with `scripts/postgres-test-server` in a temporary folder, on first use, and
/// stops it when it exits (and, should the process die without exiting, the script's watcher
/// stops it within a second).
///
/// It talks to the server through PostgreSQL's own `psql`, never through the code under test.
public final class TestPostgres: Sendable {
    /// The server's maintenance database: `postgres://USER@HOST:PORT/postgres`.
    public let url: String
    /// The password of ``user``.
    public let password: String
    public let user: String
    public let host: String
    public let port: Int
    /// `server_version_num`, such as 150018.
    public let serverVersion: Int
    /// The query of the URLs handed out (`sslmode=disable` unless the given server's URL says otherwise).
    private let query: String

    /// The server of this test process, started (or joined) on first use.
    public static var shared: TestPostgres {
        get throws { try started.get() }
    }

    private static let started: Result<TestPostgres, any Error> = Result { try startOrJoin() }

    /// Whether PostgreSQL tests can run here. False only when no server is given, PostgreSQL is
    /// not installed, and this is not CI: in CI (`$CI` set) a missing PostgreSQL fails the tests
    /// that need it instead of skipping them.
    public static var isAvailable: Bool { unavailableReason == nil }

    /// Why ``isAvailable`` is false, for the test's skip message; nil when it is true.
    public static var unavailableReason: String? {
        let environment = ProcessInfo.processInfo.environment
        if environment["MONITOR_TEST_POSTGRES_URL"]?.isEmpty == false || environment["CI"]?.isEmpty == false { return nil }
        if binDirectory() == nil {
            return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/setup-test-deps"
        }
        return nil
    }

    /// The repository's root, from this file's place in it.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private init(url: String, password: String) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme),
            let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty
        else {
            throw TestPostgresError("not a postgres://USER@HOST[:PORT]/DATABASE URL: \(url)")
        }
        if components.password != nil {
            throw TestPostgresError("the URL must not carry the password (give it in $MONITOR_TEST_POSTGRES_PASSWORD): \(url)")
        }
        self.url = url
        self.password = password
        self.user = user
        self.host = host
        self.port = components.port ?? 5432
        self.query = components.percentEncodedQuery ?? "sslmode=disable"
        let version = try Self.runPSQL(url: url, password: password, sql: "SHOW server_version_num")
        guard let number = Int(version) else {
            throw TestPostgresError("\(url) answered \(version.debugDescription) for its version")
        }
        self.serverVersion = number
    }

    private static func startOrJoin() throws -> TestPostgres {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["MONITOR_TEST_POSTGRES_URL"], !url.isEmpty {
            guard let password = environment["MONITOR_TEST_POSTGRES_PASSWORD"], !password.isEmpty else {
                throw TestPostgresError("$MONITOR_TEST_POSTGRES_URL is set but $MONITOR_TEST_POSTGRES_PASSWORD is not")
            }
            return try TestPostgres(url: url, password: password)
        }
        guard binDirectory() != nil else {
            throw TestPostgresError(
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/setup-test-deps (apt-get install postgresql)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-test-postgres-\(UUID().uuidString)").path
        let result = try run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["bash", script.path, "start", folder, "--watch", String(getpid())])
        guard result.status == 0 else {
            throw TestPostgresError("scripts/postgres-test-server start failed (exit \(result.status)):\n\(result.stderr)\(result.stdout)")
        }
        startedFolder.withLock { $0 = folder }
        atexit { TestPostgres.stopStartedServer() }
        let url = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let password = try String(contentsOfFile: folder + "/password", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return try TestPostgres(url: url, password: password)
    }

    private static var script: URL { repositoryRoot.appendingPathComponent("scripts/postgres-test-server") }

    /// The folder of the server this process started, for the exit handler.
    private static let startedFolder = Locked<String?>(nil)

    /// Stops the server this process started: at exit, with no Foundation machinery (a plain
    /// spawn and wait), because exit handlers run while the process is being torn down.
    private static func stopStartedServer() {
        guard
            let folder = startedFolder.withLock({ value in
                defer { value = nil }
                return value
            })
        else { return }
        let arguments = ["/bin/bash", script.path, "stop", folder]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ) == 0 else { return }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }

    /// Creates an empty database with a name no other test uses and returns its URL
    /// (`postgres://USER@HOST:PORT/NAME?sslmode=disable`) and the password.
    public func makeDatabase() throws -> (url: String, password: String) {
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        // FILE_COPY (PostgreSQL 15 and later): copies the template's files instead of writing
        // them through the WAL, which is faster and smaller for many small databases.
        let strategy = serverVersion >= 150000 ? " STRATEGY = FILE_COPY" : ""
        _ = try psql(url, "CREATE DATABASE \(name)\(strategy)")
        return (databaseURL(name), password)
    }

    /// The URL of database `name` on this server.
    public func databaseURL(_ name: String) -> String {
        "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(name)?\(query)"
    }

    /// Drops a database made by ``makeDatabase()`` (given by its URL or name), closing its
    /// connections. Tests need not call it: the server and all its databases go at the end.
    public func dropDatabase(_ database: String) throws {
        let name = Self.databaseName(database)
        _ = try psql(url, "DROP DATABASE IF EXISTS \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\" WITH (FORCE)")
    }

    /// Runs `sql` with `psql` in `database` (a name on this server, or a URL from
    /// ``makeDatabase()``) and returns its output: one line per row, columns separated by `|`,
    /// without headers or the final newline. Any SQL error throws.
    @discardableResult
    public func psql(_ database: String, _ sql: String) throws -> String {
        let target = database.contains("://") ? database : databaseURL(database)
        return try Self.runPSQL(url: target, password: password, sql: sql)
    }

    /// The name of the database in `database`, a URL or already a name.
    public static func databaseName(_ database: String) -> String {
        guard database.contains("://"), let components = URLComponents(string: database) else { return database }
        return String(components.path.drop(while: { $0 == "/" }))
    }

    private static func runPSQL(url: String, password: String, sql: String) throws -> String {
        let psql = try program("psql")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["PGPASSWORD"] = password
        environment["PGCONNECT_TIMEOUT"] = "10"
        let result = try run(
            psql,
            [
                "--no-psqlrc", "--no-password", "--quiet", "--no-align", "--tuples-only", "--set", "ON_ERROR_STOP=1", "--dbname", url, "--command",
                sql,
            ],
            environment: environment)
        guard result.status == 0 else {
            throw TestPostgresError("psql \(url) -c \(sql.debugDescription) failed (exit \(result.status)): \(result.stderr)")
        }
        var output = result.stdout
        if output.hasSuffix("\n") { output.removeLast() }
        return output
    }

    /// A PostgreSQL program (`psql`, `pg_isready`...): the newest installed version's, else the one on PATH.
    public static func program(_ name: String) throws -> URL {
        guard let folder = binDirectory() ?? pathDirectory(of: name) else {
            throw TestPostgresError("\(name) is not installed: run scripts/setup-test-deps (apt-get install postgresql)")
        }
        return folder.appendingPathComponent(name)
    }

    /// `/usr/lib/postgresql/VERSION/bin` of the newest installed version with `initdb`, if any.
    public static func binDirectory() -> URL? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }
            .sorted { (Double($0) ?? 0) < (Double($1) ?? 0) }
        return versions.last.map { URL(fileURLWithPath: "\(root)/\($0)/bin") }
    }

    private static func pathDirectory(of program: String) -> URL? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(folder)/\(program)") {
            return URL(fileURLWithPath: String(folder))
        }
        return nil
    }

    /// Runs a program to completion; output through temporary files, so it never blocks on a pipe.
    private static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-psql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus,
            (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        )
    }
}

public struct TestPostgresError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A value behind a lock (Foundation only, for this target).
private final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
