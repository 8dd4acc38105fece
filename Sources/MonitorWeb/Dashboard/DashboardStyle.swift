import MonitorCore

/// The dashboard's CSS: statuses have a colour and a word (readable without colour); below
/// 700 px the tables turn into one card per row.
enum DashboardStyle {
    static let css = #"""
        :root { --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --wait: #57606a; --bg: #f6f8fa; --fg: #1f2328; --line: #d0d7de; }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
        header, .filters, main, footer, .notice, .token { padding: 0 16px; }
        header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; border-bottom: 1px solid var(--line); background: var(--bg); }
        h1 { font-size: 20px; margin: 12px 0; }
        h2 { font-size: 17px; margin: 8px 0; overflow-wrap: anywhere; }
        #summary { margin: 0; color: var(--wait); }
        .notice { margin: 8px 16px; padding: 8px 12px; border: 1px solid var(--warn); border-radius: 6px; background: #fff8c5; }
        .token { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
        .filters { display: flex; flex-wrap: wrap; gap: 8px 16px; margin: 12px 0; }
        select, input, button { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
        button { cursor: pointer; }
        table { width: 100%; border-collapse: collapse; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 13px; color: var(--wait); font-weight: 600; }
        .jobs tbody tr { cursor: pointer; }
        .jobs tbody tr:hover, .jobs tbody tr:focus { background: var(--bg); outline: none; }
        .jobs tbody tr.selected { background: #ddf4ff; }
        .name { font-weight: 600; overflow-wrap: anywhere; }
        .sub { display: block; color: var(--wait); font-size: 13px; overflow-wrap: anywhere; }
        .status { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 700; letter-spacing: .02em; color: #fff; white-space: nowrap; }
        .status::before { content: "● "; }
        \#(statusRules)
        .late { color: var(--warn); font-weight: 600; }
        .detail { margin: 16px 0; padding: 8px 12px; border: 1px solid var(--line); border-radius: 8px; }
        .detail-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
        .description { color: var(--wait); overflow-wrap: anywhere; }
        .message { overflow-wrap: anywhere; }
        .history { margin: 8px 0; }
        .history img { display: block; max-width: 100%; height: auto; }
        .history figcaption { color: var(--wait); font-size: 13px; }
        .empty { color: var(--wait); }
        footer { margin: 16px 0; color: var(--wait); font-size: 13px; }
        @media (max-width: 700px) {
          thead { display: none; }
          table, tbody, tr, td { display: block; width: 100%; }
          tr { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; padding: 4px 0; }
          td { border: 0; padding: 3px 10px; }
          td[data-label]::before { content: attr(data-label) ": "; color: var(--wait); font-size: 13px; }
        }
        """#
}

extension DashboardStyle {
    /// `.s-<STATUS>` colour and sign rules, one pair per tone, from every job status.
    static var statusRules: String {
        StatusTone.allCases.compactMap { tone -> String? in
            let statuses = JobStatus.allCases.filter { $0.tone == tone }.map { ".s-\($0.rawValue)" }
            guard !statuses.isEmpty else { return nil }
            return statuses.joined(separator: ", ") + " { background: var(--\(tone.rawValue)); }\n    "
                + statuses.map { $0 + "::before" }.joined(separator: ", ") + " { content: \"\(tone.symbol) \"; }"
        }.joined(separator: "\n    ")
    }
}
