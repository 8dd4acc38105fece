/// The dashboard's HTML. It holds no data and no inline script or style: `dashboard.js` fills
/// it from `/api/jobs` with `textContent`, so nothing from YAML or status files is ever parsed
/// as markup. The job table shows the first rows that match and more as the reader scrolls,
/// so that 10,000 jobs never become 10,000 rows at once.
enum DashboardPage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>monitor — backups</title>
        <link rel="stylesheet" href="/dashboard.css">
        <script src="/dashboard.js" defer></script>
        </head>
        <body>
        <header>
          <h1>Backups</h1>
          <p id="summary" aria-live="polite">Loading…</p>
          <ul id="counts" class="counts" aria-label="Jobs per status; choose one to show only those"></ul>
        </header>
        <p id="notice" class="notice" role="alert" hidden></p>
        <form id="token-form" class="token" hidden>
          <label for="token-input">This monitor's API needs a token:</label>
          <input id="token-input" type="password" autocomplete="off" required>
          <button type="submit">Use token</button>
          <small>Kept for this browser tab only (sessionStorage).</small>
        </form>
        <section class="filters" aria-label="Filters">
          <label>Status <select id="status-filter"><option value="">all</option></select></label>
          <label>Label <select id="label-filter"><option value="">all</option></select></label>
          <label>Search <input id="search" type="search" placeholder="name or description" autocomplete="off"></label>
          <span id="shown" class="sub"></span>
        </section>
        <main>
          <table id="jobs" class="jobs">
            <thead><tr><th>Job</th><th>Status</th><th>Recent</th><th>Last success</th><th>Current version</th><th>Next window</th></tr></thead>
            <tbody id="job-rows"></tbody>
          </table>
          <button id="more" class="more" type="button" hidden>Show more</button>
          <p id="empty" class="empty" hidden>No job matches.</p>
          <section id="detail" class="detail" hidden aria-live="polite">
            <div class="detail-head">
              <h2 id="detail-title"></h2>
              <button id="detail-close" type="button" aria-label="Close">Close</button>
            </div>
            <p id="detail-description" class="description"></p>
            <p id="detail-error" class="notice" hidden></p>
            <figure id="detail-history" class="history" hidden>
              <figcaption>Latest occurrences (hollow: MISSING, half height: PENDING) and backup size over 30 days; hollow points are versions since deleted by retention.</figcaption>
            </figure>
            <table class="occurrences">
              <thead><tr><th>Scheduled</th><th>Window end</th><th>State</th><th>Finished</th><th>Message</th><th>Version</th></tr></thead>
              <tbody id="occurrence-rows"></tbody>
            </table>
          </section>
        </main>
        <footer><span id="updated"></span> · refreshes every 30 s · <a href="/api/jobs">JSON</a> · <a href="/metrics">metrics</a></footer>
        </body>
        </html>
        """#
}
