import Foundation
import Hummingbird
import HummingbirdTesting
import MonitorCore
import MonitorRuntime
import MonitorStore
import MonitorTestSupport
import Synchronization
import Testing

@testable import MonitorWeb

/// A clock the test sets by hand.
final class TestClock: Sendable {
    private let value: Mutex<Date>
    init(_ date: Date) { value = Mutex(date) }
    var now: Date { value.withLock { $0 } }
    func set(_ date: Date) { value.withLock { $0 = date } }
}

/// A real state in a temporary folder: three jobs applied, backups landed for two of them
/// (one good, one failed with a hostile message), and one scan done, all at pinned times.
struct WebFixture {
    static let applyTime = "2026-11-21T01:00:00Z"
    static let scanTime = "2026-11-21T03:00:00Z"
    static let hostileDescription = "<img src=x onerror=alert(1)>"
    static let hostileMessage = "<script>alert(1)</script>"

    let root: URL
    let store: StateStore
    let clock: TestClock
    var backups: URL { root.appendingPathComponent("backups") }

    init(apiTokenEnv: String? = nil, scanInterval: Int64 = 900) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("backups"), withIntermediateDirectories: true)
        let path = root.appendingPathComponent("state.sqlite").path
        store = try StateStore.open(path: TestState.location(path), create: true)
        clock = TestClock(at(Self.scanTime))
        try apply(Self.jobs(), apiTokenEnv: apiTokenEnv, scanInterval: scanInterval, baseRevision: 0)
        try stage("db", ["dump.sql": Data("select 1;\n".utf8)])
        _ = try StatusFileWriter.seal(
            folder: staging("db").path, status: .success, job: "db", message: "pg_dump finished",
            startedAt: nil, finishedAt: at("2026-11-21T02:10:00Z"))
        try FileManager.default.createDirectory(at: staging("web"), withIntermediateDirectories: true)
        _ = try StatusFileWriter.seal(
            folder: staging("web").path, status: .failed, job: "web", message: Self.hostileMessage,
            startedAt: nil, finishedAt: at("2026-11-21T02:20:00Z"))
        _ = try Scanner(store: store).scan(now: at(Self.scanTime))
    }

    static func jobs(extra: [Job] = []) throws -> [Job] {
        let schedule = try CronSchedule(parsing: "0 2 * * *")
        return [
            Job(
                name: "db", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 10_800),
                labels: ["team": "data"], description: hostileDescription),
            Job(name: "web", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 10_800), labels: ["team": "web"]),
            Job(name: "idle", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 10_800)),
        ] + extra
    }

    func apply(_ jobs: [Job], apiTokenEnv: String?, scanInterval: Int64, baseRevision: Int64) throws {
        let settings = Settings(state: store.path, scanInterval: TimeSpan(seconds: scanInterval), apiTokenEnv: apiTokenEnv)
        try store.apply(
            DesiredState(settings: settings, destinations: [Destination(name: "nas", path: backups.path)], routes: [], jobs: jobs),
            baseRevision: baseRevision,
            context: ApplyContext(configPath: "/etc/monitor.yaml", git: nil, user: "test", host: "h", now: at(Self.applyTime)))
    }

    func staging(_ job: String) -> URL { backups.appendingPathComponent(job).appendingPathComponent("staging") }

    func stage(_ job: String, _ files: [String: Data]) throws {
        for (path, content) in files {
            let url = staging(job).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url)
        }
    }

    func dependencies(environment: [String: String] = [:]) throws -> WebDependencies {
        let clock = self.clock
        return try WebDependencies(store: store, environment: environment, clock: { clock.now })
    }

    func application(environment: [String: String] = [:]) throws -> some ApplicationProtocol {
        buildApplication(try dependencies(environment: environment), listen: ListenAddress(host: "127.0.0.1", port: 0))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
