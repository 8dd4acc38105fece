import Foundation

/// The static HTML report of `monitor report` (SPEC §10): one self-contained page with inline
/// CSS and SVG, no script and no external request (its Content-Security-Policy forbids both),
/// printable and readable without colour. Pure: the same model gives the same bytes.
public enum ReportRenderer {
    /// Scripts, frames, fonts, images from elsewhere and form posts are all refused; only the
    /// page's own `<style>` applies.
    public static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

    public static func html(_ model: ReportModel) -> String {
        let e = HTMLText.escape
        let made = ReportFormat.time(model.generatedAt)
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(e(contentSecurityPolicy))">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Backup report — \(made)</title>
            <style>
            \(ReportStyle.css)
            </style>
            </head>
            <body>
            <header>
            <h1>Backup report</h1>
            <p class="meta">Made \(made), covering the last \(model.days) day\(model.days == 1 ? "" : "s") \
            (since \(ReportFormat.time(model.periodStart))).</p>
            </header>

            """
        out += revision(model.revision)
        out += summary(model)
        out += "<section aria-labelledby=\"jobs\">\n<h2 id=\"jobs\">Jobs</h2>\n"
        if model.jobs.isEmpty {
            out += "<p class=\"note\">No active job. Declare jobs in the configuration, then run <code>monitor apply</code>.</p>\n"
        }
        for job in model.orderedJobs { out += self.job(job, model: model) }
        out += "</section>\n"
        out +=
            "<footer>Made by monitor from the state as of its last scan. Statuses are words as well as colours;"
            + " hover a mark of a chart for its details.</footer>\n</body>\n</html>\n"
        return out
    }

    static func revision(_ revision: AppliedRevision?) -> String {
        let e = HTMLText.escape
        var out = "<section aria-labelledby=\"revision\">\n<h2 id=\"revision\">Applied configuration</h2>\n"
        guard let revision else {
            return out + "<p class=\"note\">No configuration has been applied to this state yet: run <code>monitor apply</code>.</p>\n</section>\n"
        }
        out += "<dl class=\"facts\">\n"
        out += "<dt>Revision</dt><dd>\(revision.number)</dd>\n"
        out += "<dt>Applied</dt><dd>\(ReportFormat.time(revision.appliedAt)) by \(e(revision.user))@\(e(revision.host))</dd>\n"
        out += "<dt>Configuration</dt><dd><code>\(e(revision.configPath))</code></dd>\n"
        out += "<dt>Digest</dt><dd><code>\(e(revision.configDigest))</code></dd>\n"
        if let commit = revision.gitCommit {
            var git = "<code>\(e(commit))</code>"
            if let branch = revision.gitBranch { git += " on branch <code>\(e(branch))</code>" }
            if revision.gitDirty { git += " (with uncommitted changes)" }
            out += "<dt>Git</dt><dd>\(git)</dd>\n"
        } else {
            out += "<dt>Git</dt><dd>not in a git work tree</dd>\n"
        }
        return out + "</dl>\n</section>\n"
    }

    static func summary(_ model: ReportModel) -> String {
        var out = "<section aria-labelledby=\"summary\">\n<h2 id=\"summary\">Summary</h2>\n"
        var statuses: [JobStatus: Int] = [:]
        for job in model.jobs { statuses[job.view.status, default: 0] += 1 }
        let attention = model.jobs.filter(\.needsAttention).count
        let parts = JobStatus.allCases.compactMap { status in statuses[status].map { "\($0) \(status.rawValue)" } }
        out += "<p>\(model.jobs.count) active job\(model.jobs.count == 1 ? "" : "s")"
        out += parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")
        out +=
            ". " + (attention == 0 ? "None needs attention." : "\(attention) need\(attention == 1 ? "s" : "") attention (listed first).") + "</p>\n"
        out +=
            "<table class=\"counts\">\n<caption>Occurrences scheduled in the last \(model.days) day\(model.days == 1 ? "" : "s"), by verdict</caption>\n"
        out += "<thead><tr><th scope=\"col\">Verdict</th><th scope=\"col\">Occurrences</th></tr></thead>\n<tbody>\n"
        for verdict in Verdict.allCases {
            out += "<tr><td>\(verdict.rawValue)</td><td class=\"number\">\(model.verdictCounts[verdict] ?? 0)</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        out += "<figure>\n" + ReportCharts.verdictSummary(model.verdictCounts).inline + "\n</figure>\n"
        return out + "</section>\n"
    }

    static func job(_ job: ReportJob, model: ReportModel) -> String {
        let e = HTMLText.escape
        let view = job.view
        let status = view.status.rawValue
        var out = "<article class=\"job\(job.needsAttention ? " attention" : "")\" id=\"job-\(e(view.name))\">\n"
        out += "<h3>\(e(view.name)) <span class=\"status s-\(status)\">\(status)</span></h3>\n"
        if let description = view.description, !description.isEmpty {
            out += "<p class=\"description\">\(e(description))</p>\n"
        }
        if !view.labels.isEmpty {
            out += "<ul class=\"labels\" aria-label=\"Labels\">"
            for (key, value) in view.labels.sorted(by: { $0.key < $1.key }) { out += "<li>\(e(key))=\(e(value))</li>" }
            out += "</ul>\n"
        }
        out += "<dl class=\"facts\">\n"
        // Where the runs come from, shown when it is not the usual status file (SPEC §13).
        if view.source != .statusFile { out += "<dt>Source</dt><dd>\(view.source.rawValue)</dd>\n" }
        if let latest = view.latest?.record, latest.state != .pending || latest.message != nil {
            var text = "\(latest.state.rawValue)\(latest.late ? " (late)" : "") for \(ReportFormat.time(latest.occurrence.scheduledAt))"
            if let message = latest.message, !message.isEmpty { text += ": " + message }
            out += "<dt>Latest</dt><dd>\(e(text))</dd>\n"
        }
        let success = view.lastSuccessAt.map { "\(ReportFormat.time($0)) (\(ReportFormat.age(from: $0, to: model.generatedAt)) ago)" } ?? "never"
        out += "<dt>Last success</dt><dd>\(success)</dd>\n"
        if let version = view.currentVersion {
            out +=
                "<dt>Current version</dt><dd>\(ReportFormat.bytes(version.bytes)), \(version.files) file\(version.files == 1 ? "" : "s")"
                + " — <code>\(e(version.id))</code>\(version.corrupted ? " <strong class=\"corrupted\">CORRUPTED</strong>" : "")</dd>\n"
        } else {
            out += "<dt>Current version</dt><dd>none</dd>\n"
        }
        if view.corruptedVersions > 0 {
            let count = view.corruptedVersions
            out +=
                "<dt>Kept versions</dt><dd><strong class=\"corrupted\">\(count) CORRUPTED</strong>"
                + " — \(e(Problem.corrupted.advice))</dd>\n"
        }
        out +=
            "<dt>Expected</dt><dd><code>\(e(view.schedule))</code> (\(e(view.timezone))), within \(e(view.window)),"
            + " on <code>\(e(view.destination))</code></dd>\n"
        out += "</dl>\n"
        let strip = ReportCharts.occurrenceStrip(job.recent)
        out += "<figure>\n<figcaption>\(e(strip.label))</figcaption>\n\(strip.inline)\n</figure>\n"
        let size = ReportCharts.sizeChart(job.sizes, from: model.periodStart, to: model.generatedAt)
        out += "<figure>\n<figcaption>\(e(size.label))</figcaption>\n\(size.inline)\n</figure>\n"
        return out + "</article>\n"
    }
}
