import Foundation
import Hummingbird
import HummingbirdTesting
import MonitorCore
import MonitorRuntime
import MonitorStore
import MonitorTestSupport
import Testing

@testable import MonitorWeb

/// The Healthchecks-style ping routes (SPEC §13) over real HTTP against the daemon's server:
/// answers a Healthchecks client can tell apart (status, body, headers), what is stored, and
/// the verdicts the scans draw from it.
@Suite struct PingRouteTests {
    static let key = "k3y-for-pings"
    static let environment = ["MONITOR_PING_KEY": key, "MONITOR_API_TOKEN": "t0ken"]

    /// The web fixture (jobs `db`, `web`, `idle` with status files) plus ping jobs `nightly`
    /// (window 3h) and `quick` (`expect.max_duration: 10m`), with `ping_key_env` set.
    static func fixture(pingKeyEnv: String? = "MONITOR_PING_KEY") throws -> WebFixture {
        let fixture = try WebFixture(apiTokenEnv: "MONITOR_API_TOKEN")
        let schedule = try CronSchedule(parsing: "0 2 * * *")
        var nightly = Job(name: "nightly", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 10_800))
        nightly.source = .ping
        var quick = Job(name: "quick", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 10_800))
        quick.source = .ping
        quick.expect = RunBounds(maxDuration: TimeSpan(seconds: 600))
        var settings = Settings(state: fixture.store.path, apiTokenEnv: "MONITOR_API_TOKEN")
        settings.pingKeyEnv = pingKeyEnv
        try fixture.store.apply(
            DesiredState(
                settings: settings, destinations: [Destination(name: "nas", path: fixture.backups.path)], routes: [],
                jobs: try WebFixture.jobs(extra: [nightly, quick])),
            baseRevision: 1,
            context: ApplyContext(configPath: "/etc/monitor.yaml", git: nil, user: "test", host: "h", now: at(WebFixture.applyTime)))
        return fixture
    }

    static func send(_ port: Int, _ method: String, _ target: String, body: String? = nil) async throws -> RawHTTP.Answer {
        var request = RawHTTP.request(method, target, extra: body.map { ["Content-Length: \($0.utf8.count)"] } ?? [])
        if let body { request += body }
        return try await RawHTTP.exchange(port: port, request)
    }

    /// Waits (up to 20 s) until `condition` holds for the job as the API shows it.
    static func waitForJob(_ port: Int, _ name: String, _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(20)
        while true {
            let answer = try await RawHTTP.exchange(
                port: port, RawHTTP.request("GET", "/api/jobs/\(name)", extra: ["Authorization: Bearer t0ken"]))
            let job = try #require(answer.json(), "GET /api/jobs/\(name): \(answer.status) \(answer.body)")
            if condition(job) || Date() > deadline { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func latestState(_ job: [String: Any]) -> String? { (job["latest"] as? [String: Any])?["state"] as? String }

    @Test("every suffix answers 200 OK as Healthchecks does, with CORS and no caching, and is judged at once")
    func everySuffix() async throws {
        let fixture = try Self.fixture()
        let dependencies = try fixture.dependencies(environment: Self.environment)
        try await buildApplication(dependencies, listen: ListenAddress(host: "127.0.0.1", port: 0)).test(.live) { client in
            let port = try #require(client.port)
            for suffix in ["", "/start", "/log", "/fail", "/0", "/1", "/255"] {
                for method in ["GET", "POST"] {
                    let answer = try await Self.send(port, method, "/ping/\(Self.key)/nightly\(suffix)", body: method == "POST" ? "out" : nil)
                    #expect(answer.status == 200, "\(method) \(suffix)")
                    #expect(answer.body == "OK", "\(method) \(suffix)")
                    #expect(answer.header("Content-Type") == "text/plain; charset=utf-8")
                    #expect(answer.header("Access-Control-Allow-Origin") == "*")
                    #expect(answer.header("Cache-Control") == "no-cache")
                    #expect(answer.header("Ping-Body-Limit") == "102400")
                }
            }
            let head = try await Self.send(port, "HEAD", "/ping/\(Self.key)/nightly")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.header("Access-Control-Allow-Origin") == "*")
            // Healthchecks' own refusals.
            #expect(try await Self.send(port, "GET", "/ping/\(Self.key)/nightly/256").body == "invalid url format")
            #expect(try await Self.send(port, "GET", "/ping/\(Self.key)/nightly/256").status == 400)
            let badRid = try await Self.send(port, "GET", "/ping/\(Self.key)/nightly?rid=not-a-uuid")
            #expect(badRid.status == 400)
            #expect(badRid.body == "invalid uuid format")
            for path in ["/ping/\(Self.key)/nightly/finish", "/ping/\(Self.key)/nightly/start/more", "/ping/\(Self.key)", "/ping"] {
                let answer = try await Self.send(port, "GET", path)
                #expect(answer.status == 404, "\(path)")
                #expect(answer.body == "not found", "\(path)")
            }

            // GET+POST × (success, /0) + HEAD: five successes; /start ×2; /log ×2 kept; /fail, /1, /255 ×2: six failures.
            let pings = try fixture.store.recentPings(job: "nightly", limit: 100)
            #expect(pings.count == 7 * 2 + 1)
            #expect(pings.filter { $0.kind == .success }.count == 5)
            #expect(pings.filter { $0.kind == .fail }.map(\.exitCode).sorted { ($0 ?? -1) < ($1 ?? -1) } == [nil, nil, 1, 1, 255, 255])
            #expect(pings.filter { $0.kind == .log }.map(\.body) == ["out", ""])
            #expect(pings.filter { $0.kind == .start }.count == 2)

            // The history shows every ping, newest first, logs included.
            let history = try await RawHTTP.exchange(
                port: port, RawHTTP.request("GET", "/api/jobs/nightly/pings?limit=100", extra: ["Authorization: Bearer t0ken"]))
            let listed = try #require(history.json()?["pings"] as? [[String: Any]], "\(history.body)")
            #expect(listed.count == 15)
            #expect(listed.first?["kind"] as? String == "success")
            #expect(listed.filter { $0["kind"] as? String == "log" }.map { $0["body"] as? String } == ["out", ""])
            let noJob = try await RawHTTP.exchange(
                port: port, RawHTTP.request("GET", "/api/jobs/nobody/pings", extra: ["Authorization: Bearer t0ken"]))
            #expect(noJob.status == 404)

            // The job was judged without a scan being asked for: its last ping was a success (HEAD).
            let job = try await Self.waitForJob(port, "nightly") { Self.latestState($0) == "SUCCESS" }
            #expect(Self.latestState(job) == "SUCCESS", "\(job)")
            #expect(job["source"] as? String == "ping")
        }
    }

    @Test("a wrong key, an unknown job, a status-file job or no key configured: 404 not found, nothing stored")
    func refusals() async throws {
        let fixture = try Self.fixture()
        try await buildApplication(try fixture.dependencies(environment: Self.environment), listen: ListenAddress(host: "127.0.0.1", port: 0))
            .test(.live) { client in
                let port = try #require(client.port)
                for path in ["/ping/wrong-key/nightly", "/ping/\(Self.key)x/nightly", "/ping/\(Self.key)/nobody", "/ping/\(Self.key)/db/fail"] {
                    for method in ["GET", "POST", "HEAD"] {
                        let answer = try await Self.send(port, method, path, body: method == "POST" ? "x" : nil)
                        #expect(answer.status == 404, "\(method) \(path)")
                        #expect(answer.body == (method == "HEAD" ? "" : "not found"), "\(method) \(path)")
                    }
                }
            }
        for job in ["nightly", "db", "nobody"] { #expect(try fixture.store.recentPings(job: job, limit: 10).isEmpty) }

        // Configured, but the variable is not set in the daemon's environment; and not configured at all.
        for (variable, environment) in [("MONITOR_PING_KEY", ["MONITOR_API_TOKEN": "t0ken"]), (nil, Self.environment)] {
            let other = try Self.fixture(pingKeyEnv: variable)
            try await buildApplication(try other.dependencies(environment: environment), listen: ListenAddress(host: "127.0.0.1", port: 0))
                .test(.live) { client in
                    let answer = try await Self.send(try #require(client.port), "GET", "/ping/\(Self.key)/nightly")
                    #expect(answer.status == 404)
                    #expect(answer.body == "not found")
                }
            #expect(try other.store.recentPings(job: "nightly", limit: 10).isEmpty)
        }
    }

    @Test("a body over 100 KiB is cut, not refused; control characters are removed; the body is the failure's message")
    func hugeBody() async throws {
        let fixture = try Self.fixture()
        let dependencies = try fixture.dependencies(environment: Self.environment)
        try await buildApplication(dependencies, listen: ListenAddress(host: "127.0.0.1", port: 0)).test(.live) { client in
            let port = try #require(client.port)
            let line = "tar: file changed as we read it\u{1B}[0m\r\n\u{07}"
            let body = String(repeating: line, count: 12_000)  // about 480 KiB
            let answer = try await Self.send(port, "POST", "/ping/\(Self.key)/nightly/fail", body: body)
            #expect(answer.status == 200)
            #expect(answer.body == "OK")
            let stored = try #require(try fixture.store.recentPings(job: "nightly", limit: 1).first)
            // The first 102,400 bytes (2,694 lines of 38 bytes and 28 more), less ESC, CR and BEL.
            let kept = String(repeating: "tar: file changed as we read it[0m\n", count: 2_694) + "tar: file changed as we read"
            #expect(stored.body == kept)
            let job = try await Self.waitForJob(port, "nightly") { Self.latestState($0) == "FAILED" }
            let latest = try #require(job["latest"] as? [String: Any])
            #expect(latest["state"] as? String == "FAILED")
            #expect((latest["message"] as? String)?.hasPrefix("tar: file changed as we read it[0m\n") == true)
        }
    }

    @Test("a body is cut on a character boundary, invalid UTF-8 is replaced, control characters other than LF and tab go")
    func bodyCleaning() {
        #expect(PingBody.text(Array("ééé".utf8), limit: 5) == "éé", "a character cut by the limit is dropped")
        #expect(PingBody.text(Array("a\r\n\tb\u{1B}[1mc\u{7F}\u{85}d".utf8), limit: 100) == "a\n\tb[1mcd")
        #expect(PingBody.text([0x61, 0xFF, 0x62], limit: 100) == "a\u{FFFD}b")
        // Replacement characters take three bytes each: the text still fits the limit.
        let invalid = PingBody.text([UInt8](repeating: 0xFF, count: 10), limit: 10)
        #expect(invalid.utf8.count <= 10)
        #expect(invalid == String(repeating: "\u{FFFD}", count: 3))
    }

    @Test("rid pairs a finish with its start; a start that never finishes is FAILED after max_duration")
    func ridAndOverrun() async throws {
        let fixture = try Self.fixture()
        let dependencies = try fixture.dependencies(environment: Self.environment)
        try await buildApplication(dependencies, listen: ListenAddress(host: "127.0.0.1", port: 0)).test(.live) { client in
            let port = try #require(client.port)
            let (one, two) = ("3B241101-E2BB-4255-8CAF-4136C566A962", "3b241101-e2bb-4255-8caf-4136c566a963")
            fixture.clock.set(at("2026-11-21T02:00:00Z"))
            #expect(try await Self.send(port, "GET", "/ping/\(Self.key)/quick/start?rid=\(one)").status == 200)
            fixture.clock.set(at("2026-11-21T02:01:00Z"))
            #expect(try await Self.send(port, "GET", "/ping/\(Self.key)/quick/start?rid=\(two)").status == 200)
            fixture.clock.set(at("2026-11-21T02:04:00Z"))
            #expect(try await Self.send(port, "POST", "/ping/\(Self.key)/quick?rid=\(one.lowercased())", body: "done").status == 200)
            let finish = try #require(try fixture.store.recentPings(job: "quick", limit: 1).first)
            #expect(finish.startedAt == at("2026-11-21T02:00:00Z"), "paired by rid (any case), not with the latest start")
            var job = try await Self.waitForJob(port, "quick") { Self.latestState($0) == "SUCCESS" }
            #expect(Self.latestState(job) == "SUCCESS")

            // The second run never finishes: FAILED once its 10 minutes have passed, not before.
            fixture.clock.set(at("2026-11-21T02:10:59Z"))
            _ = try await dependencies.scans.scan()
            job = try await Self.waitForJob(port, "quick") { _ in true }
            #expect(Self.latestState(job) == "SUCCESS")
            fixture.clock.set(at("2026-11-21T02:11:00Z"))
            _ = try await dependencies.scans.scan()
            job = try await Self.waitForJob(port, "quick") { Self.latestState($0) == "FAILED" }
            let latest = try #require(job["latest"] as? [String: Any])
            #expect(latest["state"] as? String == "FAILED")
            #expect(latest["message"] as? String == "started at 2026-11-21T02:01:00Z and did not finish within 10m")
        }
    }
}
