import Foundation

/// The report's SVG charts, shared with the dashboard's job history image
/// (`GET /api/jobs/{name}/history.svg`).
public enum ReportCharts {
    static let cell = 12
    static let gap = 3
    static let stripHeight = 28

    /// One mark per occurrence, oldest left, newest at the right edge, in a strip sized for
    /// `slots` occurrences so that the strips of all jobs line up. Each mark has a `<title>`
    /// tooltip: time, verdict, message.
    public static func occurrenceStrip(_ occurrences: [OccurrenceRecord], slots: Int = ReportModel.stripLength) -> SVGChart {
        let shown = Array(occurrences.suffix(max(slots, 1)))
        let slots = max(slots, shown.count, 1)
        let width = slots * (cell + gap) - gap
        var body = ""
        for (index, record) in shown.enumerated() {
            let x = (slots - shown.count + index) * (cell + gap)
            let state = record.state
            let colour = SVGChart.colour(state)
            var tooltip = "\(ReportFormat.time(record.occurrence.scheduledAt)) — \(state.rawValue)"
            if record.late { tooltip += " (late)" }
            if let message = record.message, !message.isEmpty { tooltip += ": " + ReportFormat.shortened(message) }
            let shape =
                switch state {
                case .missing:
                    "x=\"\(x + 1)\" y=\"1\" width=\"\(cell - 2)\" height=\"\(stripHeight - 2)\" fill=\"#ffffff\" stroke=\"\(colour)\" stroke-width=\"2\""
                case .skipped:
                    "x=\"\(x)\" y=\"\(stripHeight * 3 / 8)\" width=\"\(cell)\" height=\"\(stripHeight / 4)\" fill=\"\(colour)\""
                case .pending:
                    "x=\"\(x)\" y=\"\(stripHeight / 2)\" width=\"\(cell)\" height=\"\(stripHeight / 2)\" fill=\"\(colour)\""
                default:
                    "x=\"\(x)\" y=\"0\" width=\"\(cell)\" height=\"\(stripHeight)\" fill=\"\(colour)\""
                }
            body += "<rect class=\"v-\(state.rawValue)\" \(shape)><title>\(HTMLText.escape(tooltip))</title></rect>\n"
        }
        var counts: [Verdict: Int] = [:]
        for record in shown { counts[record.state, default: 0] += 1 }
        let label =
            shown.isEmpty
            ? "No occurrence in the period"
            : "Last \(shown.count) occurrence\(shown.count == 1 ? "" : "s"): \(ReportFormat.counts(counts))"
        return SVGChart(width: width, height: stripHeight, label: label, body: body)
    }

    static let sizeWidth = 600
    static let sizeHeight = 140
    static let plotLeft = 72
    static let plotRight = 12
    static let plotTop = 10
    static let plotBottom = 22

    /// Backup size over `[start, end]`: one point per promoted version (hollow once retention
    /// deleted it), joined by a line, each with a `<title>` tooltip.
    public static func sizeChart(_ sizes: [VersionSize], from start: Date, to end: Date) -> SVGChart {
        let plotWidth = Double(sizeWidth - plotLeft - plotRight)
        let plotHeight = Double(sizeHeight - plotTop - plotBottom)
        let span = max(end.timeIntervalSince(start), 1)
        let largest = max(sizes.map(\.bytes).max() ?? 0, 1)
        func x(_ date: Date) -> Double {
            Double(plotLeft) + min(max(date.timeIntervalSince(start) / span, 0), 1) * plotWidth
        }
        func y(_ bytes: Int64) -> Double { Double(plotTop) + plotHeight - Double(bytes) / Double(largest) * plotHeight }
        let d = ReportFormat.decimal
        let bottom = sizeHeight - plotBottom
        var body = ""
        body += "<line x1=\"\(plotLeft)\" y1=\"\(plotTop)\" x2=\"\(plotLeft)\" y2=\"\(bottom)\" stroke=\"#8c959f\"/>\n"
        body += "<line x1=\"\(plotLeft)\" y1=\"\(bottom)\" x2=\"\(sizeWidth - plotRight)\" y2=\"\(bottom)\" stroke=\"#8c959f\"/>\n"
        body +=
            "<line x1=\"\(plotLeft)\" y1=\"\(plotTop)\" x2=\"\(sizeWidth - plotRight)\" y2=\"\(plotTop)\" stroke=\"#d0d7de\" stroke-dasharray=\"3 3\"/>\n"
        if !sizes.isEmpty {
            body += "<text x=\"\(plotLeft - 6)\" y=\"\(plotTop + 4)\" text-anchor=\"end\">\(ReportFormat.bytes(largest))</text>\n"
        }
        body += "<text x=\"\(plotLeft - 6)\" y=\"\(bottom)\" text-anchor=\"end\">0 B</text>\n"
        body += "<text x=\"\(plotLeft)\" y=\"\(sizeHeight - 6)\">\(ReportFormat.day(start))</text>\n"
        body += "<text x=\"\(sizeWidth - plotRight)\" y=\"\(sizeHeight - 6)\" text-anchor=\"end\">\(ReportFormat.day(end))</text>\n"
        if sizes.isEmpty {
            body +=
                "<text x=\"\(plotLeft + Int(plotWidth / 2))\" y=\"\(plotTop + Int(plotHeight / 2))\" text-anchor=\"middle\">"
                + "No version promoted in the period</text>\n"
        } else {
            // The band a good run is expected in: the median of the period's good versions, ±20 % (SPEC §15's floor).
            let good = sizes.filter { !$0.suspicious }.map { Double($0.bytes) }
            if good.count >= 2 {
                let median = Suspicion.median(good)
                let high = y(Int64(min(median * (1 + Suspicion.minimumChange), Double(largest))))
                let low = y(Int64(median * (1 - Suspicion.minimumChange)))
                body +=
                    "<rect class=\"median-band\" x=\"\(plotLeft)\" y=\"\(d(high))\" width=\"\(d(plotWidth))\" height=\"\(d(max(low - high, 1)))\""
                    + " fill=\"#0969da\" fill-opacity=\"0.08\"><title>Median of the good versions, \(ReportFormat.bytes(Int64(median))),"
                    + " ±\(Int(Suspicion.minimumChange * 100)) %</title></rect>\n"
            }
            if sizes.count > 1 {
                let points = sizes.map { "\(d(x($0.finishedAt))),\(d(y($0.bytes)))" }.joined(separator: " ")
                body += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"#0969da\" stroke-width=\"1.5\"/>\n"
            }
            for size in sizes {
                var tooltip =
                    "\(size.versionID): \(ReportFormat.bytes(size.bytes)), \(size.files) file\(size.files == 1 ? "" : "s"), "
                    + "finished \(ReportFormat.time(size.finishedAt))"
                if size.suspicious { tooltip += ", SUSPICIOUS" }
                if size.deleted { tooltip += " (since deleted by retention)" }
                if let reason = size.corrupted { tooltip += " — CORRUPTED: " + ReportFormat.shortened(reason) }
                let colour = size.suspicious ? SVGChart.colour(Verdict.suspicious) : "#0969da"
                let fill = size.deleted ? "#ffffff" : colour
                let (cx, cy) = (x(size.finishedAt), y(size.bytes))
                // A SUSPICIOUS run is a diamond, so that colour is not the only cue.
                body +=
                    (size.suspicious
                        ? "<path class=\"suspicious\" d=\"M\(d(cx)) \(d(cy - 5))L\(d(cx + 5)) \(d(cy))L\(d(cx)) \(d(cy + 5))L\(d(cx - 5)) \(d(cy))Z\""
                        : "<circle cx=\"\(d(cx))\" cy=\"\(d(cy))\" r=\"3.5\"")
                    + " fill=\"\(fill)\" stroke=\"\(colour)\" stroke-width=\"1.5\"><title>\(HTMLText.escape(tooltip))</title>"
                    + (size.suspicious ? "</path>\n" : "</circle>\n")
                if size.corrupted != nil {
                    // A red cross over the point: a version found changed on disk, readable without colour too.
                    body +=
                        "<path class=\"corrupted\" d=\"M\(d(cx - 5)) \(d(cy - 5))L\(d(cx + 5)) \(d(cy + 5))M\(d(cx - 5)) \(d(cy + 5))L\(d(cx + 5)) \(d(cy - 5))\""
                        + " stroke=\"#cf222e\" stroke-width=\"2\"><title>\(HTMLText.escape(tooltip))</title></path>\n"
                }
            }
        }
        let deleted = sizes.filter(\.deleted).count
        let corrupted = sizes.filter { $0.corrupted != nil }.count
        let label =
            sizes.isEmpty
            ? "Backup size: no version promoted in the period"
            : "Backup size: \(sizes.count) version\(sizes.count == 1 ? "" : "s") in the period"
                + (deleted > 0 ? " (\(deleted) since deleted by retention)" : "")
                + (corrupted > 0 ? ", \(corrupted) CORRUPTED on disk" : "")
                + (sizes.contains(where: \.suspicious) ? ", \(sizes.filter(\.suspicious).count) SUSPICIOUS" : "")
                + ", from \(ReportFormat.bytes(sizes.map(\.bytes).min()!)) to \(ReportFormat.bytes(largest)),"
                + " latest \(ReportFormat.bytes(sizes.last!.bytes))"
        return SVGChart(width: sizeWidth, height: sizeHeight, label: label, body: body)
    }

    /// Horizontal bars: how many occurrences of the period got each verdict.
    public static func verdictSummary(_ counts: [Verdict: Int]) -> SVGChart {
        let rowHeight = 22
        let labelWidth = 120
        let barSpace = 300
        let largest = max(counts.values.max() ?? 0, 1)
        var body = ""
        for (row, verdict) in Verdict.allCases.enumerated() {
            let count = counts[verdict] ?? 0
            let top = row * rowHeight
            let length = count == 0 ? 0 : max(2, Int((Double(count) / Double(largest) * Double(barSpace)).rounded()))
            let colour = SVGChart.colour(verdict)
            body += "<text x=\"0\" y=\"\(top + 15)\">\(verdict.rawValue)</text>\n"
            if length > 0 {
                let paint = verdict == .missing ? "fill=\"#ffffff\" stroke=\"\(colour)\" stroke-width=\"2\"" : "fill=\"\(colour)\""
                body +=
                    "<rect class=\"v-\(verdict.rawValue)\" x=\"\(labelWidth)\" y=\"\(top + 4)\" width=\"\(length)\" height=\"14\" \(paint)>"
                    + "<title>\(count) \(verdict.rawValue)</title></rect>\n"
            }
            body += "<text x=\"\(labelWidth + length + 6)\" y=\"\(top + 15)\">\(count)</text>\n"
        }
        let total = counts.values.reduce(0, +)
        let label = "Occurrences in the period by verdict: " + (total == 0 ? "none" : ReportFormat.counts(counts))
        return SVGChart(width: labelWidth + barSpace + 60, height: Verdict.allCases.count * rowHeight, label: label, body: body)
    }
}
