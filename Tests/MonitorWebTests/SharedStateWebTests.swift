import Foundation
import Hummingbird
import HummingbirdTesting
import MonitorCore
import MonitorRuntime
import MonitorStore
import MonitorTestSupport
import Testing

@testable import MonitorWeb

/// An agent of a shared PostgreSQL state (SPEC §12) over HTTP, on a real server: `/healthz`
/// answers for its own scans and says plainly when the database is gone; `/api/agents` and
/// `/metrics` show the agents.
@Suite(.enabled(if: TestPostgres.isAvailable, "PostgreSQL is not installed here")) struct SharedStateWebTests {
    let url: String
    let store: StateStore
    let root: URL

    init() throws {
        try TestState.passwordSet.get()
        url = try TestPostgres.shared.makeDatabase().url
        root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-shared-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        store = try StateStore.open(path: url, create: true)
        var settings = Settings(state: url)
        settings.defaultHost = "alpha"
        let schedule = try CronSchedule(parsing: "0 2 * * *")
        try store.apply(
            DesiredState(
                settings: settings, destinations: [Destination(name: "nas", path: root.path)], routes: [],
                jobs: [Job(name: "db", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 3600))]),
            baseRevision: 0, context: ApplyContext(configPath: "/etc/monitor.yaml", git: nil, user: "t", host: "h", now: Date()))
    }

    @Test func healthAgentsAndMetricsOfAnAgentThenTheDatabaseGone() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let app = buildApplication(
            try WebDependencies(store: store, environment: [:], clock: { Date() }, agent: "alpha"), listen: .init(host: "127.0.0.1", port: 0))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable, "this agent has not scanned yet")
            }
            _ = try Scanner(store: store).scan(now: Date(), agent: "alpha")
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/agents", method: .get) { response in
                let agents = try #require((try response.json())["agents"] as? [[String: Any]])
                #expect(agents.count == 1)
                #expect(agents.first?["name"] as? String == "alpha")
                #expect(agents.first?["state"] as? String == "up")
                #expect(agents.first?["destinations"] as? [String] == ["nas"])
                #expect((agents.first?["last_seen"] as? String).flatMap(Timestamp.parse) != nil)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.text.contains(#"monitor_agent_up{agent="alpha"} 1.0"#), "\(response.text)")
            }
            // The database goes away under the running agent: a plain 503, never a crash.
            try TestPostgres.shared.dropDatabase(url)
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(((try? response.json())?["status"] as? String)?.contains("cannot read the state") == true)
            }
            try await client.execute(uri: "/api/jobs", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }
}
