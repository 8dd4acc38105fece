/// The report's CSS, inlined in its `<style>`: light, printable (no fixed heights, no page
/// break inside a job), and readable without colour (every status is also a word).
enum ReportStyle {
    /// One background per status, from the vocabulary: a new status is coloured without an edit here.
    static let statusRules = JobStatus.allCases.map { ".s-\($0.rawValue) { background: \(SVGChart.colour($0)); }" }
        .joined(separator: "\n")

    static let css = """
        :root { --ok: #1a7f37; --bad: #cf222e; --hash: #8250df; --miss: #bc4c00; --wait: #57606a; --fg: #1f2328; --line: #d0d7de; --bg: #f6f8fa; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 980px; padding: 16px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 18px; margin: 24px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        h3 { font-size: 16px; margin: 0 0 4px; overflow-wrap: anywhere; }
        .meta, .note, .description { color: var(--wait); overflow-wrap: anywhere; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
        dl.facts dt { color: var(--wait); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 13px; overflow-wrap: anywhere; }
        table.counts { border-collapse: collapse; margin: 8px 0; }
        table.counts th, table.counts td { text-align: left; padding: 2px 12px 2px 0; border-bottom: 1px solid var(--line); }
        table.counts td.number { text-align: right; font-variant-numeric: tabular-nums; }
        table.counts caption { text-align: left; color: var(--wait); }
        .job { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin: 12px 0; break-inside: avoid; page-break-inside: avoid; }
        .job.attention { border-left: 6px solid var(--bad); }
        .corrupted { color: var(--bad); }
        .status { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 700; letter-spacing: .02em; color: #fff; white-space: nowrap; vertical-align: 2px; }
        \(statusRules)
        .labels { margin: 4px 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px; }
        .labels li { border: 1px solid var(--line); border-radius: 4px; padding: 0 6px; font-size: 12px; overflow-wrap: anywhere; }
        figure { margin: 8px 0; }
        figcaption { font-size: 13px; color: var(--wait); margin-bottom: 2px; }
        svg.chart { display: block; max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
        footer { margin-top: 24px; color: var(--wait); font-size: 12px; }
        @media print {
          body { max-width: none; padding: 0; font-size: 11pt; }
          .job { border-color: #999; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          h2 { break-after: avoid; page-break-after: avoid; }
        }
        """
}
