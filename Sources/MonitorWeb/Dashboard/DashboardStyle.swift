import MonitorCore

/// The dashboard's CSS: statuses have a colour and a word (readable without colour); the
/// colours follow the system's light or dark setting (`prefers-color-scheme`); below 700 px
/// the tables turn into one card per row.
enum DashboardStyle {
    static let css = #"""
        :root {
          color-scheme: light dark;
          --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --wait: #6e7781;
          --page: #ffffff; --bg: #f6f8fa; --fg: #1f2328; --muted: #57606a; --line: #d0d7de;
          --field: #ffffff; --selected: #ddf4ff; --notice: #fff8c5; --empty-cell: #eaeef2;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --ok: #238636; --bad: #da3633; --warn: #9e6a03; --wait: #6e7681;
            --page: #0d1117; --bg: #161b22; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d;
            --field: #0d1117; --selected: #12304f; --notice: #3b2e00; --empty-cell: #21262d;
          }
        }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--page); }
        a { color: inherit; }
        header, .filters, main, footer, .notice, .token { padding: 0 16px; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 16px; border-bottom: 1px solid var(--line); background: var(--bg); }
        h1 { font-size: 20px; margin: 12px 0; }
        h2 { font-size: 17px; margin: 8px 0; overflow-wrap: anywhere; }
        #summary { margin: 0; color: var(--muted); }
        .counts { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; padding: 0; list-style: none; }
        .counts button { display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px; border-radius: 999px; font-size: 13px; }
        .counts button[aria-pressed="true"] { outline: 2px solid var(--fg); outline-offset: 1px; }
        .counts .n { font-weight: 700; font-variant-numeric: tabular-nums; }
        .notice { margin: 8px 16px; padding: 8px 12px; border: 1px solid var(--warn); border-radius: 6px; background: var(--notice); }
        .token { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
        .filters { display: flex; flex-wrap: wrap; gap: 8px 16px; margin: 12px 0; align-items: center; }
        select, input, button { font: inherit; color: var(--fg); padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--field); }
        button { cursor: pointer; }
        table { width: 100%; border-collapse: collapse; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 13px; color: var(--muted); font-weight: 600; }
        .jobs tbody tr { cursor: pointer; }
        .jobs tbody tr:hover, .jobs tbody tr:focus { background: var(--bg); outline: none; }
        .jobs tbody tr.selected { background: var(--selected); }
        .name { font-weight: 600; overflow-wrap: anywhere; }
        .sub { display: block; color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
        .corrupted { display: block; color: var(--bad); font-size: 13px; font-weight: 600; }
        .status { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 700; letter-spacing: .02em; color: #fff; white-space: nowrap; }
        .status::before { content: "● "; }
        \#(statusRules)
        .strip { display: inline-flex; gap: 2px; align-items: flex-end; height: 18px; }
        .strip span { display: block; width: 8px; height: 18px; border-radius: 2px; background: var(--empty-cell); }
        \#(stripRules)
        .strip span.c-PENDING { height: 9px; }
        .strip span.c-MISSING { background: transparent; border: 2px solid var(--bad); }
        .strip span.c-SKIPPED { height: 5px; margin-bottom: 6px; }
        .silenced { display: block; color: var(--muted); font-size: 13px; font-weight: 600; }
        .silenced::before { content: "🔕 "; }
        .more { display: block; margin: 8px auto; }
        .late { color: var(--warn); font-weight: 600; }
        .detail { margin: 16px 0; padding: 8px 12px; border: 1px solid var(--line); border-radius: 8px; }
        .detail-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
        .description { color: var(--muted); overflow-wrap: anywhere; }
        .message { overflow-wrap: anywhere; }
        .history { margin: 8px 0; }
        .history img { display: block; max-width: 100%; height: auto; background: #fff; border-radius: 4px; }
        .history figcaption { color: var(--muted); font-size: 13px; }
        .empty { color: var(--muted); }
        footer { margin: 16px 0; color: var(--muted); font-size: 13px; }
        @media (max-width: 700px) {
          thead { display: none; }
          table, tbody, tr, td { display: block; width: 100%; }
          tr { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; padding: 4px 0; }
          td { border: 0; padding: 3px 10px; }
          td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: 13px; }
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

    /// `.c-<VERDICT>` colours of the cells of a row's strip, one rule per tone, from every
    /// verdict an occurrence can have (the same tones as the statuses).
    static var stripRules: String {
        StatusTone.allCases.compactMap { tone -> String? in
            let cells = JobStatus.allCases.filter { $0.tone == tone }.map { ".strip span.c-\($0.rawValue)" }
            guard !cells.isEmpty else { return nil }
            return cells.joined(separator: ", ") + " { background: var(--\(tone.rawValue)); }"
        }.joined(separator: "\n    ")
    }
}
