import ArgumentParser
import Foundation
import Logging
import MonitorCore
import MonitorRuntime
import MonitorStore

/// `monitor scan`: one scan pass — verdicts, promotion, notifications (SPEC §7).
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Run one scan pass: verdicts, promotion, notifications.",
        discussion: """
            Exit codes: 0 scan done (verdicts about backups are recorded, not errors), 1 could not scan, \
            or a job could not be scanned (each is reported on standard error and scanned again next time). \
            --now later than the real clock is refused while monitor run uses the state.
            """
    )

    @OptionGroup var state: StateOptions
    @OptionGroup var config: ConfigOptions

    @Option(help: ArgumentHelp("Scan as if it were this time (RFC 3339), to simulate or test.", valueName: "time"))
    var now: String?

    @Option(name: .customLong("job"), help: ArgumentHelp("Scan only this job (repeatable).", valueName: "name"))
    var jobs: [String] = []

    @OptionGroup var host: HostOption

    func run() throws {
        let clock = try now.map(Clock.parse) ?? Date()
        let store = try StateLocator.open(state, config)
        LoggingSetup.bootstrap()
        do {
            // Held until the scan ends, so that a daemon cannot start in the middle of it.
            let simulation = clock > Date() ? try StateLock.simulation(statePath: store.path, now: clock) : nil
            defer { withExtendedLifetime(simulation) {} }
            let known = Set(try store.activeJobs().map(\.job.name))
            if let unknown = jobs.first(where: { !known.contains($0) }) {
                throw Output.fail("no active job named \"\(unknown)\" in \(store.path)")
            }
            // With a shared state, this host's destinations only, one scan of them at a time.
            let agent = store.isShared ? host.name : nil
            guard let hostLock = try store.lockScans(of: agent) else {
                print("Another scan of host \(agent ?? "") is running; nothing to do.")
                return
            }
            defer { hostLock.release() }
            let summary = try Scanner(store: store, sources: RunSources.standard()).scan(now: clock, jobs: jobs, agent: agent)
            // Deliver what is due by the scan's clock, so that `--now` exercises retries too.
            let delivery = try Notifier(store: store, transport: LiveTransport()).deliverDue(now: clock)
            print(ScanReport.text(summary, delivery))
            for error in summary.errors { Output.error("monitor: job \(error.job): \(error.message)") }
            if !summary.errors.isEmpty {
                Output.error(
                    "monitor: error: \(summary.errors.count) of \(summary.jobs) job\(summary.jobs == 1 ? "" : "s") could not be scanned; they are scanned again next time"
                )
                throw ExitCode(1)
            }
        } catch let error as StoreError {
            throw Output.fail(error)
        }
    }
}

enum ScanReport {
    static func text(_ summary: ScanSummary, _ delivery: Notifier.Summary) -> String {
        let verdicts = summary.sortedVerdicts.map { "\($0.count) \($0.verdict.rawValue)" }
        var parts = ["Scanned \(summary.jobs) job\(summary.jobs == 1 ? "" : "s") at \(summary.clock)"]
        parts.append(verdicts.isEmpty ? "no new verdict" : verdicts.joined(separator: ", "))
        parts.append("\(summary.promoted) promoted")
        if summary.notifications + delivery.delivered + delivery.retrying + delivery.gaveUp > 0 {
            var told = ["\(delivery.delivered) notification\(delivery.delivered == 1 ? "" : "s") sent"]
            if delivery.retrying > 0 { told.append("\(delivery.retrying) to retry") }
            if delivery.gaveUp > 0 { told.append("\(delivery.gaveUp) given up") }
            parts.append(told.joined(separator: ", "))
        }
        if !summary.errors.isEmpty { parts.append("\(summary.errors.count) job error\(summary.errors.count == 1 ? "" : "s")") }
        return parts.joined(separator: "; ") + "."
    }
}

/// Logs go to standard error, one line each, so that standard output stays for results.
/// `MONITOR_LOG_LEVEL` (debug, info, notice, warning, error) overrides the command's default:
/// warning for one-shot commands, info for the daemon.
enum LoggingSetup {
    static func bootstrap(defaultLevel: Logger.Level = .warning) {
        let level = ProcessInfo.processInfo.environment["MONITOR_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? defaultLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
