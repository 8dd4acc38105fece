import Foundation
import MonitorCore

/// What `monitor demo` prints once the sandbox is built: where it is, which job shows which
/// verdict and why, and commands to copy and paste (with absolute paths, so they work from any
/// folder).
enum DemoGuide {
    /// - Parameters:
    ///   - binary: the absolute path of the running `monitor`.
    ///   - dashboard: the dashboard's URL when the daemon is about to serve it; `nil` for `--no-serve`.
    static func text(_ build: DemoBuild, binary: String, dashboard: String?) -> String {
        let sandbox = build.sandbox
        let monitor = shellQuoted(binary)
        let state = shellQuoted(sandbox.statePath)
        let jobs = build.scenario.producers.map { ($0.job, $0.story) } + [(DemoScenario.pendingJob, build.scenario.pendingStory)]
        let nameWidth = max(4, jobs.map(\.0.count).max() ?? 0) + 2
        let statusWidth = JobStatus.allCases.map(\.rawValue.count).max()! + 2

        var lines: [String] = []
        lines.append(
            String(
                format: "Built the monitor demo in %.1f s: %d jobs, three weeks of simulated backups, scanned up to now.",
                build.seconds, jobs.count))
        lines.append("")
        lines.append("  sandbox        \(sandbox.root)")
        lines.append("  configuration  \(sandbox.configPath)")
        lines.append("  state          \(sandbox.statePath)")
        lines.append("")
        lines.append("  " + pad("JOB", nameWidth) + pad("STATUS", statusWidth) + "WHAT TO LOOK AT")
        for (name, story) in jobs {
            let view = build.views.first { $0.name == name }
            var detail = story
            if name == "postgres-prod", let late = build.lateRun { detail += " (late: true, the run of \(day(late)))" }
            if name == DemoScenario.pendingJob { detail += ", open until \(clock(build.pendingWindowEnd))" }
            lines.append("  " + pad(name, nameWidth) + pad(view?.status.rawValue ?? "?", statusWidth) + detail)
        }
        lines.append("")
        if let dashboard {
            lines.append("Dashboard: \(dashboard)   (one job: \(dashboard)?job=postgres-prod)")
            lines.append("")
            lines.append("Make \(DemoScenario.pendingJob) turn SUCCESS at the next scan (scans run every minute): seal the files")
            lines.append("its producer left in staging, from another terminal:")
            lines.append("  \(monitor) seal \(shellQuoted(build.pendingStaging)) --status SUCCESS --job \(DemoScenario.pendingJob)")
        } else {
            lines.append("Make \(DemoScenario.pendingJob) turn SUCCESS: seal the files its producer left in staging, then scan:")
            lines.append("  \(monitor) seal \(shellQuoted(build.pendingStaging)) --status SUCCESS --job \(DemoScenario.pendingJob)")
            lines.append("  \(monitor) scan --state \(state)")
        }
        lines.append("")
        lines.append("Look around:")
        lines.append("  \(monitor) status --state \(state)")
        lines.append("  \(monitor) status --state \(state) --job postgres-prod")
        lines.append("  \(monitor) report --state \(state) --output report.html")
        lines.append(
            "  ls -l \(shellQuoted(sandbox.path("backups/nas/postgres-prod/versions"))) \(shellQuoted(sandbox.path("backups/nas/postgres-prod/current_version/")))"
        )
        if let dashboard {
            lines.append("  curl -s \(dashboard)api/jobs")
        } else {
            lines.append(
                "  \(monitor) run --state \(state)       # the daemon and its dashboard (or: monitor demo --dir \(shellQuoted(sandbox.root)))")
        }
        lines.append("")
        lines.append("The demo sets no API token, so POST /api/scan answers 403: scans come every settings.scan_interval (1m).")
        lines.append("It declares no alert routes, so nothing is sent; see monitor.yaml to add one.")
        if dashboard != nil {
            lines.append("Ctrl-C stops the daemon. `monitor demo --dir FOLDER` keeps the sandbox; running it again there rebuilds it.")
        } else {
            lines.append("`monitor demo --dir FOLDER` keeps the sandbox; running it again there rebuilds it.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` as one shell word: unchanged when it needs no quoting, else in single quotes.
    static func shellQuoted(_ text: String) -> String {
        let plain =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII || "/._-+:=@%,".unicodeScalars.contains($0)
            }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private static func day(_ date: Date) -> String { String(Timestamp.string(date).prefix(10)) }

    private static func clock(_ date: Date) -> String {
        let text = Timestamp.string(date)
        return String(text.dropFirst(11).prefix(5)) + " UTC"
    }
}
