import Foundation

/// One job's occurrence strip and size chart as a standalone SVG document, drawn by the same
/// helpers as the report: the image of the dashboard's job detail
/// (`GET /api/jobs/{name}/history.svg`).
public enum JobHistorySVG {
    /// The size caption is short so it fits the image's width; the full description (versions,
    /// sizes) is in the image's title and aria-label.
    public static func document(_ job: ReportJob, now: Date, days: Int) -> String {
        let strip = ReportCharts.occurrenceStrip(job.recent)
        let size = ReportCharts.sizeChart(job.sizes, from: ReportModel.periodStart(now: now, days: days), to: now)
        let width = max(strip.width, size.width)
        let stripTop = 24
        let sizeCaption = stripTop + strip.height + 24
        let sizeTop = sizeCaption + 8
        let height = sizeTop + size.height
        let e = HTMLText.escape
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            font-family="system-ui, sans-serif" font-size="11" role="img" aria-label="\(e("\(job.view.name): \(strip.label). \(size.label)."))">
            <title>\(e("\(job.view.name): \(strip.label). \(size.label)."))</title>
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="0" y="14" font-size="12" font-weight="600">\(e(strip.label))</text>
            <g transform="translate(0,\(stripTop))">
            \(strip.body)</g>
            <text x="0" y="\(sizeCaption)" font-size="12" font-weight="600">Backup size, last \(days) day\(days == 1 ? "" : "s")</text>
            <g transform="translate(0,\(sizeTop))">
            \(size.body)</g>
            </svg>

            """
    }
}
