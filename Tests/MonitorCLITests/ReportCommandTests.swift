import Foundation
import Testing

/// `monitor report` end to end (SPEC §7, §10): a real sandbox applied, sealed and scanned at
/// pinned times, its report snapshotted, validated by HTML Tidy, and checked for escaping.
@Suite struct ReportCommandTests {
    static let now = "2026-11-24T09:00:00Z"

    /// Four jobs that end the week SUCCESS, FAILED, HASH_MISMATCH and NEW, with retention
    /// deleting versions of `db`. The configuration is committed to git with pinned dates, so
    /// the commit in the report is the same on every machine.
    static func weekSandbox() throws -> BackupSandbox {
        let box = try BackupSandbox(
            jobs: """
                  db:
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                    labels: {team: data, env: prod}
                    description: Nightly pg_dump of the prod cluster
                  web:
                    destination: nas
                    schedule: "0 3 * * *"
                    window: 2h
                    description: Static assets
                  archive:
                    destination: nas
                    schedule: "30 1 * * *"
                    window: 4h
                    labels: {team: ops}
                  monthly:
                    destination: nas
                    schedule: "0 4 1 * *"
                    window: 6h
                """, keepVersions: 2)
        try git(["init", "-q", "-b", "ops"], in: box.root)
        try git(["add", "monitor.yaml"], in: box.root)
        try git(["commit", "-q", "-m", "jobs"], in: box.root)
        let apply = try runMonitor(["apply", "--now", "2026-11-20T12:00:00Z"], env: ["USER": "operator"], cwd: box.root)
        #expect(apply.exit == 0, "\(apply.stdout)\(apply.stderr)")
        for day in 21...24 {
            try box.stage("db", ["dump.sql": pattern(count: day * 1_000, seed: day)])
            try box.monitor([
                "seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-\(day)T02:10:00Z",
                "--message", "pg_dump finished",
            ])
            switch day {
            case 21, 22:
                try box.stage("web", ["site.tar": pattern(count: 500 + day, seed: day)])
                try box.monitor(["seal", "backups/web/staging", "--status", "SUCCESS", "--finished-at", "2026-11-\(day)T03:05:00Z"])
            case 24:
                try box.monitor([
                    "seal", "backups/web/staging", "--status", "FAILED", "--finished-at", "2026-11-24T03:07:00Z",
                    "--message", "rsync exited with status 23",
                ])
            default: break
            }
            if day != 22 {
                try box.stage("archive", ["logs.tar": pattern(count: 2_000, seed: day)])
                try box.monitor(["seal", "backups/archive/staging", "--status", "SUCCESS", "--finished-at", "2026-11-\(day)T01:40:00Z"])
                if day == 24 {
                    // Same size, other bytes: the content no longer matches its sha256.
                    try box.stage("archive", ["logs.tar": pattern(count: 2_000, seed: 99)])
                }
            }
            try box.monitor(["scan", "--now", "2026-11-\(day)T06:00:00Z"])
        }
        return box
    }

    static func pattern(count: Int, seed: Int) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) })
    }

    static func git(_ arguments: [String], in folder: URL) throws {
        let pinned = "2026-11-19T10:00:00Z"
        let result = try runProcess(
            URL(fileURLWithPath: "/usr/bin/env"), ["git", "-C", folder.path, "-c", "commit.gpgsign=false"] + arguments,
            environment: [
                "PATH": "/usr/bin:/bin", "HOME": folder.path, "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_AUTHOR_DATE": pinned,
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_COMMITTER_DATE": pinned,
            ])
        #expect(result.exit == 0, "git \(arguments.joined(separator: " ")): \(result.stderr)")
    }

    /// What differs between machines and runs — the sandbox's path (in the configuration path
    /// and hence the digest) and the host name — replaced by fixed words.
    static func normalized(_ html: String, box: BackupSandbox) -> String {
        var text = html.replacingOccurrences(of: box.root.path, with: "/SANDBOX")
        text = text.replacingOccurrences(of: "operator@" + ProcessInfo.processInfo.hostName, with: "operator@HOST")
        return text.replacingOccurrences(of: #"<code>[0-9a-f]{64}</code>"#, with: "<code>DIGEST</code>", options: .regularExpression)
    }

    func report(_ box: BackupSandbox, _ extra: [String] = [], output: String = "report.html") throws -> String {
        let result = try box.monitor(["report", "--now", Self.now, "--output", output] + extra)
        #expect(result.stderr.isEmpty)
        return try String(contentsOf: box.root.appendingPathComponent(output), encoding: .utf8)
    }

    @Test func aWeekOfBackupsGivesTheSnapshottedReport() throws {
        let box = try Self.weekSandbox()
        let result = try box.monitor(["report", "--now", Self.now, "--output", "report.html"])
        #expect(result.stdout == "Wrote the report of 4 jobs (2 need attention) to report.html.\n")
        let html = try String(contentsOf: box.root.appendingPathComponent("report.html"), encoding: .utf8)
        try assertSnapshot(Self.normalized(html, box: box), named: "report.html")
        // Byte-stable: the same state and --now give the same bytes.
        #expect(try report(box, output: "again.html") == html)
        // What the snapshot must show, so that a careless re-record cannot lose it.
        #expect(html.contains("<h3>web <span class=\"status s-FAILED\">FAILED</span></h3>"))
        #expect(html.contains("<h3>archive <span class=\"status s-HASH_MISMATCH\">HASH_MISMATCH</span></h3>"))
        #expect(html.contains("<h3>monthly <span class=\"status s-NEW\">NEW</span></h3>"))
        let order = ["archive", "web", "db", "monthly"].map { html.range(of: "id=\"job-\($0)\"")!.lowerBound }
        #expect(order == order.sorted(), "attention first, then by name")
        #expect(html.contains("(2 since deleted by retention)"), "db's deleted versions are on its size chart")
        #expect(html.contains(" on branch <code>ops</code>"))
        #expect(html.contains("<tr><td>SUCCESS</td><td class=\"number\">8</td></tr>"))
        try Tidy.check(box.root.appendingPathComponent("report.html"))
        Self.expectSelfContained(html)
    }

    @Test func hostileDescriptionsLabelsAndMessagesStayText() throws {
        let hostile = "<img src=x onerror=alert(1)>"
        let box = try BackupSandbox(
            jobs: """
                  db:
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                    labels: {owner: "\\"><script>alert(2)</script>"}
                    description: "\(hostile) and \\"quotes\\" & 'apostrophes'"
                """)
        try box.monitor(["apply", "--now", "2026-11-20T12:00:00Z"])
        try box.writeStatus(
            "db",
            """
            {"status": "FAILED", "finished_at": "2026-11-21T02:30:00Z", "message": "<script>alert(1)</script>",
             "producer": "<img src=x onerror=alert(3)>"}
            """, modified: Date(timeIntervalSince1970: 1_700_000_000))
        try box.monitor(["scan", "--now", "2026-11-21T06:00:00Z"])
        let html = try report(box)
        for live in ["<script", "<img", "</script"] {
            #expect(!html.contains(live), "\(live) must not appear as a tag")
        }
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt; and &quot;quotes&quot; &amp; &#39;apostrophes&#39;"))
        #expect(html.contains("FAILED: &lt;script&gt;alert(1)&lt;/script&gt;</title>"), "the message, escaped inside the SVG tooltip")
        #expect(html.contains("<li>owner=&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;</li>"))
        try Tidy.check(box.root.appendingPathComponent("report.html"))
        Self.expectSelfContained(html)
    }

    @Test func aStateWithNoRevisionGivesAValidPageSayingSo() throws {
        let box = try BackupSandbox(jobs: "")
        try """
        version: 1
        settings:
          state: a.sqlite
        """.write(to: box.root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        try box.monitor(["apply"])
        try box.monitor(["plan", "--out", "plan.json"])
        // A plan for another state is refused after the new state is created: the one way to
        // get a state with no revision through the command line.
        try box.monitor(["apply", "--plan", "plan.json", "--state", "empty.sqlite"], expecting: 1)
        let result = try box.monitor(["report", "--state", "empty.sqlite", "--now", Self.now, "--output", "empty.html"])
        #expect(result.stdout == "Wrote the report of 0 jobs (0 need attention) to empty.html.\n")
        let html = try String(contentsOf: box.root.appendingPathComponent("empty.html"), encoding: .utf8)
        #expect(html.contains("No configuration has been applied to this state yet"))
        #expect(html.contains("No active job."))
        try Tidy.check(box.root.appendingPathComponent("empty.html"))
        Self.expectSelfContained(html)
    }

    @Test func anUnwritableOutputIsAClearErrorAndLeavesNothingBehind() throws {
        let box = try BackupSandbox.dailyJob()
        let missing = try box.monitor(["report", "--output", "no-such-folder/report.html"], expecting: 1)
        #expect(missing.stderr.hasPrefix("monitor: error: cannot write the report to no-such-folder/report.html: "))
        #expect(missing.stderr.contains("(does the folder "))
        #expect(missing.stdout.isEmpty)

        let folder = box.root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("report.html"), withIntermediateDirectories: true)
        let isFolder = try box.monitor(["report", "--output", "out/report.html"], expecting: 1)
        #expect(isFolder.stderr.contains("cannot write the report to out/report.html: cannot rename the temporary file into place: "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.html"], "no temporary file is left")

        // A report that exists stays whole until the new one replaces it in one rename.
        try Data("old".utf8).write(to: box.root.appendingPathComponent("kept.html"))
        try box.monitor(["report", "--days", "0", "--output", "kept.html"], expecting: 64)
        #expect(try String(contentsOf: box.root.appendingPathComponent("kept.html"), encoding: .utf8) == "old")
        try box.monitor(["report", "--output", "kept.html", "--days", "7"])
        #expect(try String(contentsOf: box.root.appendingPathComponent("kept.html"), encoding: .utf8).contains("covering the last 7 days"))
    }

    /// No script, and nothing fetched from elsewhere: no `src`/`href` to another origin.
    static func expectSelfContained(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!html.lowercased().contains("<script"), sourceLocation: sourceLocation)
        let references = html.matches(of: /(?i)(src|href|xlink:href|url)\s*[=(]\s*["']?[a-z]+:/).map { String($0.output.0) }
        #expect(references.isEmpty, "external references: \(references)", sourceLocation: sourceLocation)
        #expect(!html.contains("http://") && !html.contains("https://"), sourceLocation: sourceLocation)
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;"), sourceLocation: sourceLocation)
    }
}

/// HTML Tidy (Debian's `tidy`, installed by `scripts/setup-test-deps`), run on a file: any
/// error or warning fails the test.
enum Tidy {
    static func check(_ file: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let tidy = try programOnPath("tidy", installHint: "run scripts/setup-test-deps, which installs Debian's tidy")
        let result = try runProcess(tidy, ["-q", "-e", "--gnu-emacs", "yes", file.path], environment: monitorBaseEnvironment)
        #expect(
            result.exit == 0 && result.stderr.isEmpty && result.stdout.isEmpty,
            "tidy found problems (exit \(result.exit)):\n\(result.stderr)\(result.stdout)", sourceLocation: sourceLocation)
    }
}
