import ArgumentParser
import Foundation
import MonitorCore
import MonitorRuntime
import MonitorStore

/// `monitor report`: the static HTML report (SPEC §7, §10).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a static HTML report of every job.",
        discussion: """
            One self-contained HTML file (inline CSS and SVG charts, no script, no external request), \
            printable: when it was made, the applied revision, occurrences per verdict over the period, and \
            per job its status, last success, current version size, a strip of its last \
            \(ReportModel.stripLength) occurrences and its backup size over the period. Jobs that need \
            attention (FAILED, MISSING, HASH_MISMATCH) come first. The period is the last --days days \
            before --now (default \(ReportModel.defaultDays) days). The file is written atomically \
            (a temporary name in the same folder, then renamed): a failed run leaves no half report. \
            Exit codes: 0 written, 1 error (nothing written).
            """
    )

    @OptionGroup var state: StateOptions
    @OptionGroup var config: ConfigOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the HTML report.", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("Make the report as of this time (RFC 3339). Default: now.", valueName: "time"))
    var now: String?

    @Option(help: ArgumentHelp("How many days before --now the report covers (1 to 3660).", valueName: "n"))
    var days: Int = ReportModel.defaultDays

    func validate() throws {
        guard (1...3_660).contains(days) else { throw ValidationError("--days must be a whole number from 1 to 3660, not \(days)") }
        guard !output.isEmpty else { throw ValidationError("--output needs a file name") }
    }

    func run() throws {
        let clock = try now.map(Clock.parse) ?? Date()
        let store = try StateLocator.openForReading(state, config)
        let model: ReportModel
        do {
            model = try store.report(now: clock, days: days)
        } catch {
            throw Output.fail(error)
        }
        let html = ReportRenderer.html(model)
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(Array(html.utf8), to: output)
        } catch {
            throw Output.fail(error.message(what: "the report"))
        }
        let attention = model.jobs.filter(\.needsAttention).count
        print(
            "Wrote the report of \(model.jobs.count) job\(model.jobs.count == 1 ? "" : "s")"
                + " (\(attention) need\(attention == 1 ? "s" : "") attention) to \(output).")
    }
}
