import Foundation
import Hummingbird
import HummingbirdTesting
import MonitorCore
import MonitorStore
import MonitorTestSupport
import Testing

@testable import MonitorWeb

/// `/healthz` with a pinned clock, `/metrics` series, the dashboard headers.
@Suite struct HealthAndMetricsTests {
    let fixture: WebFixture
    init() throws { fixture = try WebFixture(scanInterval: 600) }

    @Test func healthIs200WhileScansAreOnTimeAnd503After() async throws {
        let last = try #require(try fixture.store.lastScan()).finishedAt
        try await fixture.application().test(.router) { client in
            fixture.clock.set(last.addingTimeInterval(1_200))  // exactly 2 × scan_interval
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let body = try response.json()
                #expect(body["status"] as? String == "ok")
                #expect(body["scan_interval_seconds"] as? Int == 600)
                #expect(body["age_seconds"] as? Int == 1_200)
            }
            fixture.clock.set(last.addingTimeInterval(1_201))
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(((try? response.json())?["status"] as? String)?.hasPrefix("stale") == true)
            }
        }
    }

    @Test func healthIs503BeforeTheFirstScan() async throws {
        let path = fixture.root.appendingPathComponent("empty.sqlite").path
        let store = try StateStore.open(path: TestState.location(path), create: true)
        let app = buildApplication(try WebDependencies(store: store, environment: [:], clock: { Date() }), listen: .init(host: "127.0.0.1", port: 0))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect((try? response.json())?["status"] as? String == "no scan yet")
            }
        }
    }

    @Test func metricsHaveJobStatusLastSuccessScanAndNotificationSeries() async throws {
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/scan", method: .post) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = response.text
                for line in [
                    #"monitor_job_status{backup_job="db",status="SUCCESS"} 1.0"#,
                    #"monitor_job_status{backup_job="db",status="FAILED"} 0.0"#,
                    #"monitor_job_status{backup_job="web",status="FAILED"} 1.0"#,
                    #"monitor_job_status{backup_job="idle",status="PENDING"} 1.0"#,
                    #"monitor_last_success_timestamp_seconds{backup_job="db"} 1795227000.0"#,
                    // A job that never succeeded has the series too, at 0, so "too old" alerts fire for it.
                    #"monitor_last_success_timestamp_seconds{backup_job="web"} 0.0"#,
                    #"monitor_last_success_timestamp_seconds{backup_job="idle"} 0.0"#,
                    #"monitor_current_version_bytes{backup_job="web"} 0.0"#,
                    // The configuration's labels, to route alerts by team.
                    #"monitor_job_info{backup_job="db",team="data"} 1.0"#,
                    #"monitor_job_info{backup_job="idle"} 1.0"#,
                    #"monitor_build_info{version="\#(MonitorVersion.current)"} 1.0"#,
                    "# TYPE monitor_scan_duration_seconds gauge",
                    "monitor_notifications_sent_total 0",
                    "monitor_notifications_failed_total 0",
                ] {
                    #expect(text.contains(line), "\(line)\n---\n\(text)")
                }
                #expect(!text.contains(#"{job="#), "no series names the job `job`: Prometheus keeps that label for the target")
                #expect(
                    text.contains(#"monitor_current_version_bytes{backup_job="db"} "#)
                        && !text.contains(#"monitor_current_version_bytes{backup_job="db"} 0.0"#))
                try Self.promtoolAccepts(text)
            }
        }
    }

    @Test func aRetiredJobLeavesTheMetrics() async throws {
        let dependencies = try fixture.dependencies()
        let before = String(decoding: dependencies.metrics.render(jobs: try fixture.store.jobViews(now: fixture.clock.now)), as: UTF8.self)
        #expect(before.contains(#"backup_job="idle""#))
        try fixture.apply(try WebFixture.jobs().filter { $0.name != "idle" }, apiTokenEnv: nil, scanInterval: 600, baseRevision: 1)
        let after = String(decoding: dependencies.metrics.render(jobs: try fixture.store.jobViews(now: fixture.clock.now)), as: UTF8.self)
        #expect(!after.contains(#"backup_job="idle""#))
        #expect(after.contains(#"backup_job="db""#))
    }

    @Test func labelsThatAreNoPrometheusNamesAreMadeValidAndFollowAnApply() throws {
        let schedule = try CronSchedule(parsing: "0 2 * * *")
        let odd = Job(
            name: "odd", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 3_600),
            labels: ["app.tier": "db", "backup_job": "shadow", "__x": "y", "team-name": "ops"])
        let dependencies = try fixture.dependencies()
        try fixture.apply(try WebFixture.jobs(extra: [odd]), apiTokenEnv: nil, scanInterval: 600, baseRevision: 1)
        let text = String(decoding: dependencies.metrics.render(jobs: try fixture.store.jobViews(now: fixture.clock.now)), as: UTF8.self)
        #expect(
            text.contains(#"monitor_job_info{backup_job="odd",label___x="y",app_tier="db",label_backup_job="shadow",team_name="ops"} 1.0"#), "\(text)"
        )
        try Self.promtoolAccepts(text)
        var relabelled = odd
        relabelled.labels = ["team": "data"]
        try fixture.apply(try WebFixture.jobs(extra: [relabelled]), apiTokenEnv: nil, scanInterval: 600, baseRevision: 2)
        let after = String(decoding: dependencies.metrics.render(jobs: try fixture.store.jobViews(now: fixture.clock.now)), as: UTF8.self)
        #expect(after.contains(#"monitor_job_info{backup_job="odd",team="data"} 1.0"#))
        #expect(!after.contains("app_tier"), "the old labels' series is gone")
    }

    /// `promtool check metrics` (Prometheus' own linter) finds nothing to say.
    static func promtoolAccepts(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["promtool", "check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && said.isEmpty, "promtool check metrics: \(said)", sourceLocation: sourceLocation)
    }

    @Test func dashboardIsServedWithAStrictPolicy() async throws {
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'"))
                #expect(!policy.contains("unsafe-inline"))
                #expect(response.text.contains("<script src=\"/dashboard.js\""))
            }
            try await client.execute(uri: "/dashboard.js", method: .get) { response in
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(!response.text.contains("innerHTML"), "data is inserted with textContent only")
            }
        }
    }
}
