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

/// The dashboard's row strips, dark mode and status counts in a real browser, driven over the
/// DevTools protocol (`Tests/Servers/browser.py`): the test reads what the page built and how
/// it is styled (structure and computed colours, not pixels) and compares it with `/api/jobs`.
@Suite(.serialized) struct DashboardStripBrowserTests {
    /// Evaluates `expressions` one after the other in `url` (promises awaited) and returns their values.
    static func browse(_ url: String, dark: Bool = false, _ expressions: [String]) throws -> [Any] {
        _ = try programOnPath("chromium", installHint: "run scripts/setup-test-deps (apt-get install chromium)")
        let script = TestServer.scripts.appendingPathComponent("browser.py")
        let result = try runProcess(
            URL(fileURLWithPath: "/usr/bin/timeout"),
            ["120", "python3", script.path, url, "--timeout", "60"] + (dark ? ["--dark"] : []) + expressions.flatMap { ["--eval", $0] },
            environment: ProcessInfo.processInfo.environment)
        #expect(result.exit == 0, "browser.py: \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Any], "browser.py printed: \(result.stdout)")
    }

    /// Waits for the rows, then describes each row's strip and the page's colours.
    static let describe = """
        (async () => {
          const deadline = Date.now() + 30000;
          while (document.querySelectorAll('#job-rows tr').length < 2 || document.querySelectorAll('#counts button').length === 0) {
            if (Date.now() > deadline) throw new Error('no rows: ' + document.body.innerText.slice(0, 400));
            await new Promise((r) => setTimeout(r, 50));
          }
          const css = (node) => getComputedStyle(node);
          const rows = [...document.querySelectorAll('#job-rows tr')].map((tr) => ({
            job: tr.dataset.job,
            status: tr.querySelector('.status').textContent,
            label: tr.querySelector('.strip').getAttribute('aria-label'),
            cells: [...tr.querySelectorAll('.strip span')].map((s) => ({
              cls: s.className, title: s.title, bg: css(s).backgroundColor, border: css(s).borderTopColor,
              height: Math.round(s.getBoundingClientRect().height) })),
          }));
          // The colour of each status's badge, read from a badge made for the purpose (a job's
          // status depends on the hour the test runs).
          const badges = {};
          for (const status of ['SUCCESS', 'FAILED', 'MISSING', 'PENDING']) {
            const b = document.createElement('span');
            b.className = 'status s-' + status;
            document.body.append(b);
            badges[status] = css(b).backgroundColor;
            b.remove();
          }
          return {
            rows, badges, dark: matchMedia('(prefers-color-scheme: dark)').matches,
            page: css(document.body).backgroundColor, text: css(document.body).color,
            header: css(document.querySelector('header')).backgroundColor,
            field: css(document.getElementById('search')).backgroundColor,
            counts: [...document.querySelectorAll('#counts button')].map((b) => ({ status: b.dataset.status, text: b.textContent, pressed: b.getAttribute('aria-pressed') })),
            summary: document.getElementById('summary').textContent,
          };
        })()
        """

    /// Clicks the count of `status`, then clicks it again; the rows shown after each click.
    static func clickCount(_ status: String) -> String {
        """
        (async () => {
          const tick = () => new Promise((r) => setTimeout(r, 50));
          const shown = () => [...document.querySelectorAll('#job-rows tr')].map((tr) => tr.dataset.job);
          const pressed = () => [...document.querySelectorAll('#counts button[aria-pressed="true"]')].map((b) => b.dataset.status);
          document.querySelector('#counts button[data-status="\(status)"]').click();
          await tick();
          const once = { rows: shown(), pressed: pressed(), select: document.getElementById('status-filter').value };
          document.querySelector('#counts button[data-status="\(status)"]').click();
          await tick();
          return { once, twice: { rows: shown(), pressed: pressed(), select: document.getElementById('status-filter').value } };
        })()
        """
    }

    /// rgb(a) text → relative luminance (0 black … 1 white), for "light page" and "dark page".
    static func luminance(_ css: Any?) -> Double {
        let numbers = ((css as? String) ?? "").split { !"0123456789.".contains($0) }.compactMap { Double($0) }
        guard numbers.count >= 3 else { return -1 }
        func channel(_ v: Double) -> Double {
            let c = v / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(numbers[0]) + 0.7152 * channel(numbers[1]) + 0.0722 * channel(numbers[2])
    }

    /// Two jobs applied 15 hours ago, scanned with a few status files on the way: strips of
    /// SUCCESS, FAILED, MISSING (and PENDING) cells.
    static func sandbox() throws -> BackupSandbox {
        let box = try BackupSandbox(
            jobs: """
                  db:
                    destination: nas
                    schedule: "0 * * * *"
                    window: 30m
                    labels: {team: data}
                  web:
                    destination: nas
                    schedule: "0 * * * *"
                    window: 30m
                    labels: {team: web}
                """)
        let formatter = ISO8601DateFormatter()
        let now = Date()
        func hoursAgo(_ hours: Double) -> String { formatter.string(from: now.addingTimeInterval(-hours * 3_600)) }
        try box.monitor(["apply", "--now", hoursAgo(15)])
        try box.stage("db", ["dump.sql": Data("select 1;\n".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "FAILED", "--message", "disk full", "--finished-at", hoursAgo(5.5)])
        try box.monitor(["scan"])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", hoursAgo(3.5)])
        try box.monitor(["scan"])
        try FileManager.default.createDirectory(at: box.staging("web"), withIntermediateDirectories: true)
        try box.monitor(["seal", "backups/web/staging", "--status", "FAILED", "--finished-at", hoursAgo(0.9)])
        try box.monitor(["scan"])
        return box
    }

    @Test(.timeLimit(.minutes(4))) func stripsDarkModeAndStatusCounts() throws {
        let box = try Self.sandbox()
        let daemon = try DaemonProcess(in: box.root)
        var light: [String: Any] = [:]
        var dark: [String: Any] = [:]
        var clicks: [String: Any] = [:]
        var api: [[String: Any]] = []
        // The views change at the top of each hour and half-hour: read again if one passed meanwhile.
        for _ in 0..<2 {
            let before = try daemon.json("GET", "/api/jobs").body["jobs"] as? [[String: Any]] ?? []
            let status = before.first { $0["name"] as? String == "web" }?["status"] as? String ?? "FAILED"
            let lightValues = try Self.browse(daemon.baseURL + "/", [Self.describe, Self.clickCount(status)])
            light = lightValues.first as? [String: Any] ?? [:]
            clicks = lightValues.last as? [String: Any] ?? [:]
            dark = try Self.browse(daemon.baseURL + "/", dark: true, [Self.describe]).first as? [String: Any] ?? [:]
            api = try daemon.json("GET", "/api/jobs").body["jobs"] as? [[String: Any]] ?? []
            if (api as NSArray).isEqual(to: before) { break }
        }
        #expect(daemon.terminate() == 0)

        // Each row's strip: 14 cells, the job's recent occurrences oldest first, padded on the left.
        let rows = try #require(light["rows"] as? [[String: Any]])
        #expect(rows.map { $0["job"] as? String } == ["db", "web"])
        var seen = Set<String>()
        for job in api {
            let name = job["name"] as? String ?? ""
            let recent = try #require(job["recent"] as? [[String: Any]], "\(name) has recent occurrences")
            #expect(recent.count == 14, "\(name): 15 hours of hourly runs give a full strip: \(recent)")
            let row = try #require(rows.first { $0["job"] as? String == name })
            let cells = try #require(row["cells"] as? [[String: Any]])
            #expect(cells.count == 14)
            let expected = Array(repeating: "", count: 14 - recent.count) + recent.reversed().map { "c-\($0["state"] as? String ?? "")" }
            #expect(cells.map { $0["cls"] as? String ?? "?" } == expected, "\(name)")
            for (cell, occurrence) in zip(cells.suffix(recent.count), recent.reversed()) {
                let state = occurrence["state"] as? String ?? ""
                let at = (occurrence["scheduled_at"] as? String ?? "").prefix(16).replacingOccurrences(of: "T", with: " ")
                #expect(cell["title"] as? String == "\(at) UTC — \(state)", "the tooltip tells the time and the verdict")
                seen.insert(state)
            }
            #expect((row["label"] as? String ?? "").hasPrefix("Latest 14 occurrences, oldest first: "))
        }
        #expect(seen.isSuperset(of: ["SUCCESS", "FAILED", "MISSING"]), "the strips show several verdicts: \(seen)")

        // Colours by tone: a FAILED cell as red as a FAILED badge, a SUCCESS cell as a SUCCESS
        // badge; MISSING hollow with the same red; PENDING half height.
        let badges = try #require(light["badges"] as? [String: String])
        let allCells = rows.flatMap { $0["cells"] as? [[String: Any]] ?? [] }
        func cells(_ state: String) -> [[String: Any]] { allCells.filter { $0["cls"] as? String == "c-\(state)" } }
        let failedBadge = try #require(badges["FAILED"])
        #expect(!cells("FAILED").isEmpty && cells("FAILED").allSatisfy { $0["bg"] as? String == failedBadge })
        if let successBadge = badges["SUCCESS"] {
            #expect(cells("SUCCESS").allSatisfy { $0["bg"] as? String == successBadge })
        }
        #expect(cells("SUCCESS").allSatisfy { $0["bg"] as? String != failedBadge })
        #expect(cells("MISSING").allSatisfy { $0["bg"] as? String == "rgba(0, 0, 0, 0)" && $0["border"] as? String == failedBadge })
        #expect(cells("PENDING").allSatisfy { $0["height"] as? Int == 9 })
        #expect(cells("FAILED").allSatisfy { $0["height"] as? Int == 18 })

        // Dark mode: the same structure, light text on a dark page (and the reverse without it).
        #expect(light["dark"] as? Bool == false)
        #expect(dark["dark"] as? Bool == true)
        #expect(Self.luminance(light["page"]) > 0.8 && Self.luminance(light["text"]) < 0.1, "\(light)")
        #expect(Self.luminance(dark["page"]) < 0.05 && Self.luminance(dark["text"]) > 0.7, "\(dark)")
        #expect(Self.luminance(dark["header"]) < 0.05 && Self.luminance(dark["field"]) < 0.05, "panels and fields follow: \(dark)")
        let darkRows = try #require(dark["rows"] as? [[String: Any]])
        #expect(
            darkRows.map { ($0["cells"] as? [[String: Any]] ?? []).map { $0["cls"] as? String ?? "" } }
                == rows.map { ($0["cells"] as? [[String: Any]] ?? []).map { $0["cls"] as? String ?? "" } })

        // Counts per status, as buttons; one click shows only that status, a second click all.
        let counts = try #require(light["counts"] as? [[String: Any]])
        let tally = Dictionary(grouping: api, by: { $0["status"] as? String ?? "" }).mapValues(\.count)
        #expect(
            Dictionary(uniqueKeysWithValues: counts.map { ($0["status"] as? String ?? "", $0["text"] as? String ?? "") })
                == Dictionary(uniqueKeysWithValues: tally.map { ($0.key, "\($0.key)\($0.value)") }),
            "one button per status present, with its count")
        #expect(counts.allSatisfy { $0["pressed"] as? String == "false" })
        let webStatus = api.first { $0["name"] as? String == "web" }?["status"] as? String ?? ""
        let once = try #require(clicks["once"] as? [String: Any])
        let twice = try #require(clicks["twice"] as? [String: Any])
        #expect(once["rows"] as? [String] == api.filter { $0["status"] as? String == webStatus }.compactMap { $0["name"] as? String })
        #expect(once["pressed"] as? [String] == [webStatus])
        #expect(once["select"] as? String == webStatus)
        #expect(twice["rows"] as? [String] == ["db", "web"])
        #expect(twice["pressed"] as? [String] == [])
        #expect(twice["select"] as? String == "")
    }

    /// Many jobs: the first rows only, more on demand, and the search box (debounced) filters
    /// over every job, not only the rows shown.
    @Test(.timeLimit(.minutes(5))) func aThousandJobsShowInPagesAndTheSearchFindsAnyOfThem() throws {
        let jobs = (0..<1_000).map { i in
            """
                  job-\(String(format: "%04d", i)):
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                    description: "dump of shard \(i)"
            """
        }.joined(separator: "\n")
        let box = try BackupSandbox(jobs: jobs)
        try box.monitor(["apply"])
        let daemon = try DaemonProcess(in: box.root)
        let values = try Self.browse(
            daemon.baseURL + "/",
            [
                """
                (async () => {
                  const deadline = Date.now() + 30000;
                  while (!document.getElementById('summary').textContent.startsWith('1000 jobs')) {
                    if (Date.now() > deadline) throw new Error('not loaded: ' + document.getElementById('summary').textContent);
                    await new Promise((r) => setTimeout(r, 50));
                  }
                  return { rows: document.querySelectorAll('#job-rows tr').length, more: !document.getElementById('more').hidden };
                })()
                """,
                """
                (async () => {
                  document.getElementById('more').click();
                  return { rows: document.querySelectorAll('#job-rows tr').length };
                })()
                """,
                """
                (async () => {
                  const box = document.getElementById('search');
                  for (const text of ['s', 'sh', 'SHARD 99']) { box.value = text; box.dispatchEvent(new Event('input')); }
                  const right = [...document.querySelectorAll('#job-rows tr')].length;
                  await new Promise((r) => setTimeout(r, 600));
                  return { before: right, rows: [...document.querySelectorAll('#job-rows tr')].map((tr) => tr.dataset.job),
                           shown: document.getElementById('shown').textContent };
                })()
                """,
            ])
        #expect(daemon.terminate() == 0)
        let first = try #require(values.first as? [String: Any])
        #expect(first["rows"] as? Int == 200, "the first page of rows only")
        #expect(first["more"] as? Bool == true)
        #expect((values[1] as? [String: Any])?["rows"] as? Int == 400)
        let search = try #require(values.last as? [String: Any])
        #expect(search["before"] as? Int == 400, "typing does not filter at each key: the search waits for a pause")
        #expect(
            search["rows"] as? [String] == [
                "job-0099", "job-0990", "job-0991", "job-0992", "job-0993", "job-0994", "job-0995", "job-0996", "job-0997", "job-0998", "job-0999",
            ])
        #expect(search["shown"] as? String == "11 of 1000 jobs match")
    }
}
