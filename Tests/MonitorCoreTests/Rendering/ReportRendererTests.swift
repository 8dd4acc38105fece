import Foundation
import MonitorCore
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The static report and the job history chart (SPEC §10): escaping, empty state, geometry.
@Suite struct ReportRendererTests {
    static let now = Timestamp.parse("2026-11-24T09:00:00Z")!
    static let hostileName = "a\"><script>alert(1)</script>"
    static let hostileDescription = "<img src=x onerror=alert(1)> 'quoted' & \"double\"\u{1}"
    static let hostileMessage = "<script>alert(1)</script>\" onmouseover=\"alert(2)"
    static let hostileLabels = ["<b>team</b>": "\"><svg onload=alert(3)>", "env": "prod'"]

    static func time(_ text: String) -> Date { Timestamp.parse(text)! }

    static func job(
        _ name: String, status: JobStatus, description: String? = nil, labels: [String: String] = [:],
        recent: [OccurrenceRecord] = [], sizes: [VersionSize] = []
    ) throws -> ReportJob {
        let job = Job(
            name: name, destination: "nas", schedule: try CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 10_800),
            labels: labels, description: description)
        let view = JobView(
            job: job, status: status, lastSuccessAt: sizes.last?.finishedAt,
            currentVersion: sizes.last.map { VersionView(id: $0.versionID, files: $0.files, bytes: $0.bytes, promotedAt: $0.finishedAt) },
            latest: recent.last.map(OccurrenceView.init), next: nil)
        return ReportJob(view: view, recent: recent, sizes: sizes)
    }

    static func occurrence(_ day: Int, _ state: Verdict, message: String? = nil, late: Bool = false) -> OccurrenceRecord {
        let scheduled = time("2026-11-01T02:00:00Z").addingTimeInterval(Double(day) * 86_400)
        return OccurrenceRecord(
            occurrence: Occurrence(scheduledAt: scheduled, windowEnd: scheduled.addingTimeInterval(10_800)),
            state: state, late: late, message: message)
    }

    static func hostileModel() throws -> ReportModel {
        let recent = [occurrence(20, .success), occurrence(21, .failed, message: hostileMessage), occurrence(22, .missing)]
        let sizes = [VersionSize(versionID: "v1<x>", finishedAt: time("2026-11-21T02:10:00Z"), bytes: 1_000, files: 1, deleted: false)]
        let revision = AppliedRevision(
            number: 2, configDigest: String(repeating: "ab", count: 32), configPath: "/etc/<monitor>.yaml",
            gitCommit: "\"><script>", gitBranch: "feature/<b>", gitDirty: true,
            appliedAt: time("2026-11-20T12:00:00Z"), user: "<u>", host: "h&h")
        return ReportModel(
            generatedAt: now, days: 30, revision: revision, verdictCounts: [.success: 1, .failed: 1, .missing: 1],
            jobs: [
                try job(
                    hostileName, status: .failed, description: hostileDescription, labels: hostileLabels,
                    recent: recent, sizes: sizes)
            ])
    }

    @Test func hostileValuesAreEscapedInTextAttributesAndSVG() throws {
        let html = ReportRenderer.html(try Self.hostileModel())
        for live in ["<script", "<img", "<svg onload", "<b>", "<u>", "<x>", "<monitor>", "\u{1}"] {
            #expect(!html.contains(live), "\(live) must not appear unescaped")
        }
        // Text content.
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt; &#39;quoted&#39; &amp; &quot;double&quot;\u{FFFD}"))
        #expect(html.contains("<dd>2026-11-20 12:00 UTC by &lt;u&gt;@h&amp;h</dd>"))
        #expect(html.contains("<li>&lt;b&gt;team&lt;/b&gt;=&quot;&gt;&lt;svg onload=alert(3)&gt;</li>"))
        // An attribute: the name cannot close `id="…"` and start a tag.
        #expect(html.contains("id=\"job-a&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
        // Inside SVG: the tooltip of the FAILED mark, quote included.
        #expect(html.contains("<title>2026-11-22 02:00 UTC — FAILED: &lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(2)</title>"))
        #expect(html.contains("<title>v1&lt;x&gt;: 1000 B, 1 file, finished 2026-11-21 02:10 UTC</title>"))
    }

    @Test func theHistorySVGIsWellFormedXMLAndKeepsHostileTextAsText() throws {
        let model = try Self.hostileModel()
        let svg = JobHistorySVG.document(model.jobs[0], now: Self.now, days: 30)
        #expect(!svg.contains("<script"))
        let collector = XMLTextCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.elements.first == "svg")
        #expect(!collector.elements.contains("script"))
        // The parser gives back exactly the hostile text, as text.
        #expect(collector.titles.contains("2026-11-22 02:00 UTC — FAILED: " + Self.hostileMessage))
        #expect(collector.elements.filter { $0 == "rect" }.count == 1 + 3, "the background and one mark per occurrence")
    }

    @Test func anEmptyStateStillGivesACompletePage() {
        let html = ReportRenderer.html(ReportModel(generatedAt: Self.now, days: 7, revision: nil, verdictCounts: [:], jobs: []))
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.hasSuffix("</body>\n</html>\n"))
        #expect(html.contains("Made 2026-11-24 09:00 UTC, covering the last 7 days (since 2026-11-17 09:00 UTC)."))
        #expect(html.contains("No configuration has been applied to this state yet"))
        #expect(html.contains("No active job."))
        #expect(html.contains("<p>0 active jobs. None needs attention.</p>"))
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;"))
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"))
    }

    @Test func jobsNeedingAttentionComeFirstThenByName() throws {
        let statuses: [(String, JobStatus)] = [("b", .success), ("z", .failed), ("a", .pending), ("m", .hashMismatch), ("c", .missing), ("d", .new)]
        let model = ReportModel(
            generatedAt: Self.now, days: 30, revision: nil, verdictCounts: [:],
            jobs: try statuses.map { try Self.job($0.0, status: $0.1) })
        #expect(model.orderedJobs.map(\.view.name) == ["c", "m", "z", "a", "b", "d"])
        let html = ReportRenderer.html(model)
        let positions = ["c", "m", "z", "a", "b", "d"].map { html.range(of: "id=\"job-\($0)\"")!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(html.contains("<h3>z <span class=\"status s-FAILED\">FAILED</span></h3>"), "the status is a word, not only a colour")
    }

    @Test func theStripHasOneMarkPerOccurrenceNewestAtTheRightEdge() {
        let occurrences = (0..<5).map { Self.occurrence($0, [.success, .failed, .missing, .hashMismatch, .pending][$0]) }
        let strip = ReportCharts.occurrenceStrip(occurrences, slots: 30)
        #expect(strip.body.components(separatedBy: "<rect").count - 1 == 5)
        #expect(strip.body.components(separatedBy: "<title>").count - 1 == 5)
        #expect(strip.width == 30 * 15 - 3)
        #expect(strip.body.contains("<rect class=\"v-PENDING\" x=\"435\" y=\"14\" width=\"12\" height=\"14\""), "newest at the right, half height")
        #expect(strip.body.contains("<rect class=\"v-SUCCESS\" x=\"375\" y=\"0\" width=\"12\" height=\"28\""))
        #expect(strip.body.contains("class=\"v-MISSING\" x=\"406\" y=\"1\" width=\"10\" height=\"26\" fill=\"#ffffff\""), "MISSING is hollow")
        #expect(strip.label == "Last 5 occurrences: 1 SUCCESS, 1 FAILED, 1 MISSING, 1 HASH_MISMATCH, 1 PENDING")

        let many = (0..<40).map { Self.occurrence($0, .success) }
        let full = ReportCharts.occurrenceStrip(many, slots: 30)
        #expect(full.body.components(separatedBy: "<rect").count - 1 == 30, "only the latest 30")
        #expect(full.body.contains("x=\"0\" y=\"0\""))
        #expect(full.body.contains(ReportFormat.time(many.last!.occurrence.scheduledAt)))
        #expect(!full.body.contains(ReportFormat.time(many[9].occurrence.scheduledAt) + " "))

        let empty = ReportCharts.occurrenceStrip([])
        #expect(!empty.body.contains("<rect"))
        #expect(empty.label == "No occurrence in the period")
    }

    @Test func theSizeChartPlacesEachVersionOnTheTimeAndSizeAxes() {
        let start = Self.time("2026-11-01T00:00:00Z")
        let end = Self.time("2026-11-11T00:00:00Z")
        let sizes = [
            VersionSize(versionID: "v1", finishedAt: start, bytes: 500, files: 1, deleted: true),
            VersionSize(versionID: "v2", finishedAt: Self.time("2026-11-06T00:00:00Z"), bytes: 2_000, files: 2, deleted: false),
            VersionSize(versionID: "v3", finishedAt: end, bytes: 1_000, files: 2, deleted: false),
        ]
        let chart = ReportCharts.sizeChart(sizes, from: start, to: end)
        #expect(chart.body.components(separatedBy: "<circle").count - 1 == 3)
        #expect(chart.body.components(separatedBy: "<polyline").count - 1 == 1)
        // Plot area: x from 72 to 588, y from 10 (largest) to 118 (zero).
        #expect(chart.body.contains("<polyline points=\"72.0,91.0 330.0,10.0 588.0,64.0\""))
        #expect(chart.body.contains("<circle cx=\"72.0\" cy=\"91.0\" r=\"3.5\" fill=\"#ffffff\""), "a deleted version is hollow")
        #expect(chart.body.contains("<title>v1: 500 B, 1 file, finished 2026-11-01 00:00 UTC (since deleted by retention)</title>"))
        #expect(chart.body.contains(">2.0 KiB</text>"), "the axis is labelled with the largest size")
        #expect(chart.label == "Backup size: 3 versions in the period (1 since deleted by retention), from 500 B to 2.0 KiB, latest 1000 B")

        let none = ReportCharts.sizeChart([], from: start, to: end)
        #expect(!none.body.contains("<circle") && none.body.contains("No version promoted in the period"))
    }

    @Test func theSizeChartMarksSuspiciousRunsAndTheMedianBandOfTheGoodOnes() {
        let start = Self.time("2026-11-01T00:00:00Z")
        let end = Self.time("2026-11-11T00:00:00Z")
        let sizes = (0..<10).map { day in
            VersionSize(
                versionID: "v\(day)", finishedAt: start.addingTimeInterval(Double(day) * 86_400), bytes: day == 9 ? 100 : 1_000, files: 1,
                deleted: false, suspicious: day == 9)
        }
        let chart = ReportCharts.sizeChart(sizes, from: start, to: end)
        #expect(chart.body.components(separatedBy: "<circle").count - 1 == 9)
        #expect(chart.body.components(separatedBy: "<path class=\"suspicious\"").count - 1 == 1, "the SUSPICIOUS run is a diamond")
        #expect(chart.body.contains("fill=\"#9a6700\""), "in the SUSPICIOUS colour")
        #expect(chart.body.contains(", SUSPICIOUS</title>"))
        // The median of the good runs is 1000 B: the band spans 800 B to 1000 B (capped at the largest).
        #expect(chart.body.contains("<rect class=\"median-band\" x=\"72\" y=\"10.0\" width=\"516.0\" height=\"21.6\""), "\(chart.body)")
        #expect(chart.body.contains("Median of the good versions, 1000 B, ±20 %"))
        #expect(chart.label.contains(", 1 SUSPICIOUS,"))
    }

    @Test func theVerdictSummaryHasABarPerNonZeroVerdictAndEveryCountInWords() {
        let chart = ReportCharts.verdictSummary([.success: 30, .failed: 3, .missing: 0])
        #expect(chart.body.components(separatedBy: "<rect").count - 1 == 2)
        #expect(chart.body.contains("<rect class=\"v-SUCCESS\" x=\"120\" y=\"4\" width=\"300\""), "the largest count fills the bar space")
        #expect(chart.body.contains("<rect class=\"v-FAILED\" x=\"120\" y=\"26\" width=\"30\""))
        for verdict in Verdict.allCases { #expect(chart.body.contains(">\(verdict.rawValue)</text>")) }
        #expect(chart.label == "Occurrences in the period by verdict: 30 SUCCESS, 3 FAILED")
    }

    @Test(
        arguments: [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (52_430_634, "50.0 MiB"), (5 * 1_099_511_627_776, "5.0 TiB")]
            as [(Int64, String)])
    func sizesAreInBinaryUnits(bytes: Int64, text: String) {
        #expect(ReportFormat.bytes(bytes) == text)
    }

    @Test func agesReadNaturally() {
        let now = Self.now
        #expect(ReportFormat.age(from: now.addingTimeInterval(-30), to: now) == "less than a minute")
        #expect(ReportFormat.age(from: now.addingTimeInterval(-42 * 60), to: now) == "42 min")
        #expect(ReportFormat.age(from: now.addingTimeInterval(-(5 * 3_600 + 20 * 60)), to: now) == "5 h 20 min")
        #expect(ReportFormat.age(from: now.addingTimeInterval(-3 * 86_400), to: now) == "3 days")
        #expect(ReportFormat.age(from: now.addingTimeInterval(60), to: now) == "less than a minute", "never negative")
    }

    @Test func escapingCoversTheFiveCharactersAndInvalidControls() {
        #expect(HTMLText.escape("<a href='x' title=\"y\">&</a>") == "&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;&lt;/a&gt;")
        #expect(HTMLText.escape("a\tb\nc\u{0}d\u{7F}e\u{FFFF}") == "a\tb\nc\u{FFFD}d\u{FFFD}e\u{FFFD}")
        #expect(HTMLText.escape("déjà vu ✓") == "déjà vu ✓")
    }
}

/// Collects element names and the text of `<title>` elements of a parsed document.
final class XMLTextCollector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var titles: [String] = []
    private var current: String?

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements.append(name)
        if name == "title" { current = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "title", let text = current { titles.append(text) }
        if name == "title" { current = nil }
    }
}
