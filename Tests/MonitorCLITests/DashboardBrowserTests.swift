import Foundation
import MonitorTestSupport
import Testing

/// The dashboard in a real browser: headless Chromium loads `/` from a running `monitor run`,
/// lets the JavaScript fetch `/api/jobs`, and the test reads the resulting DOM.
@Suite(.serialized) struct DashboardBrowserTests {
    static let hostileDescription = "<img src=x onerror=alert(1)>"
    static let hostileMessage = "<script>alert(1)</script>"

    static let jobs = """
          db:
            description: "\(hostileDescription)"
            destination: nas
            schedule: "*/5 * * * *"
            window: 1h
            labels: {team: data}
          web:
            destination: nas
            schedule: "*/5 * * * *"
            window: 1h
            labels: {team: web}
        """

    /// The DOM after the page's scripts ran (Chromium's virtual time lets the fetches finish).
    static func dumpDOM(_ url: String, profile: URL) throws -> String {
        let chromium = try programOnPath("chromium", installHint: "run scripts/setup-test-deps (apt-get install chromium)")
        let result = try runProcess(
            URL(fileURLWithPath: "/usr/bin/timeout"),
            [
                "60", chromium.path, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=\(profile.path)", "--virtual-time-budget=5000", "--dump-dom", url,
            ], environment: monitorBaseEnvironment.merging(["HOME": profile.path]) { _, b in b })
        #expect(result.exit == 0, "chromium: \(result.stderr)")
        return result.stdout
    }

    @Test(.timeLimit(.minutes(3))) func jobsAndStatusesAppearAndHostileTextStaysText() throws {
        let box = try BackupSandbox(jobs: Self.jobs)
        try box.monitor(["apply"])
        try box.stage("db", ["dump.sql": Data("select 1;\n".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS"])
        try FileManager.default.createDirectory(at: box.staging("web"), withIntermediateDirectories: true)
        try box.monitor(["seal", "backups/web/staging", "--status", "FAILED", "--message", Self.hostileMessage])
        let daemon = try DaemonProcess(in: box.root)
        let profile = box.root.appendingPathComponent("chromium-profile")

        let dom = try Self.dumpDOM(daemon.baseURL + "/", profile: profile)
        #expect(dom.contains(#"data-job="db""#) && dom.contains(#"data-job="web""#), "the rows come from /api/jobs:\n\(dom)")
        #expect(dom.contains(#"<span class="status s-SUCCESS">SUCCESS</span>"#))
        #expect(dom.contains(#"<span class="status s-FAILED">FAILED</span>"#))
        #expect(dom.contains("2 jobs: 1 SUCCESS, 1 FAILED"))
        #expect(dom.contains("&lt;img src=x onerror=alert(1)&gt;"), "the description is shown as text")
        #expect(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the status message is shown as text")
        #expect(!dom.contains("<img"), "no element was injected")
        #expect(!dom.contains("<script>alert"))
        #expect(dom.contains(#"<option value="team=data">team=data</option>"#), "the label filter lists the labels")
        #expect(dom.contains(#"id="token-form" class="token" hidden"#), "no token configured: the page does not ask for one")

        // `?job=NAME`, the link alert e-mails carry, opens that job's occurrences.
        let detail = try Self.dumpDOM(daemon.baseURL + "/?job=web", profile: profile)
        let section = try #require(detail.range(of: #"id="detail""#).map { String(detail[$0.lowerBound...]) })
        #expect(!section.hasPrefix(#"id="detail" class="detail" hidden"#), "the detail is open:\n\(section)")
        #expect(section.contains(#"data-label="Message"><span class="message">&lt;script&gt;alert(1)&lt;/script&gt;</span>"#), "\(section)")
        #expect(!detail.contains("<script>alert"))
        // The job's history chart (GET /api/jobs/web/history.svg), fetched by the script and shown from a blob.
        #expect(
            section.contains(#"<figure id="detail-history" class="history" data-job="web"><img id="detail-history-image" src="blob:"#),
            "the history chart is shown:\n\(section)")
        #expect(section.contains(#"alt="History of web: latest occurrences by verdict and backup size over time""#))

        #expect(daemon.terminate() == 0)
    }

    /// The page served, but the API gone (a proxy drops every `/api/` request, as a daemon
    /// that stopped would): the page says it cannot reach the daemon.
    @Test(.timeLimit(.minutes(2))) func aDaemonThatCannotBeReachedIsSaid() throws {
        let box = try BackupSandbox(jobs: Self.jobs)
        try box.monitor(["apply"])
        let daemon = try DaemonProcess(in: box.root)
        let proxy = try TestServer(script: "cut_proxy.py", arguments: ["--upstream", daemon.baseURL, "--cut", "/api/"])

        let dom = try Self.dumpDOM("http://127.0.0.1:\(proxy.port)/", profile: box.root.appendingPathComponent("chromium-profile"))
        struct Request: Decodable {
            var path: String
            var cut: Bool
        }
        let requests = try proxy.received(Request.self)
        #expect(requests.contains { $0.path == "/api/jobs" && $0.cut }, "the page asked for /api/jobs: \(requests.map(\.path))")
        let notice = try #require(dom.range(of: #"<p id="notice""#).map { String(dom[$0.lowerBound...].prefix(300)) })
        #expect(notice.hasPrefix(#"<p id="notice" class="notice" role="alert">Cannot reach the monitor daemon: "#), "\(notice)")
        #expect(!dom.contains(#"data-job="db""#), "no rows without data")
        #expect(daemon.terminate() == 0)
    }

    /// With `api_token_env` set, the page finds `/api/jobs` answering 401 and asks for the token.
    @Test(.timeLimit(.minutes(2))) func anAPIThatNeedsATokenAsksForIt() throws {
        let box = try BackupSandbox(jobs: Self.jobs)
        let config = box.root.appendingPathComponent("monitor.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
            .replacingOccurrences(of: "settings:\n", with: "settings:\n  api_token_env: MONITOR_TOKEN\n")
        try text.write(to: config, atomically: true, encoding: .utf8)
        try box.monitor(["apply"])
        let daemon = try DaemonProcess(in: box.root, env: ["MONITOR_TOKEN": "browser-test-token"])

        let dom = try Self.dumpDOM(daemon.baseURL + "/", profile: box.root.appendingPathComponent("chromium-profile"))
        #expect(dom.contains(#"<form id="token-form" class="token">"#), "the token form is shown:\n\(dom)")
        #expect(dom.contains("the API needs a token"), "\(dom)")
        #expect(!dom.contains(#"data-job="db""#))
        #expect(!dom.contains("browser-test-token"))
        #expect(daemon.terminate() == 0)
    }
}
