import ArgumentParser
import Dispatch
import Foundation
import MonitorCore
import MonitorRuntime
import MonitorStore

#if canImport(Glibc)
    import Glibc
#endif

/// `monitor verify`: reads every kept version now and compares each file with what was recorded
/// at promotion, recording what it finds as the daemon's scrub does (SPEC §15).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every kept version against the sizes and SHA-256s recorded at promotion.",
        discussion: """
            Reads every file of every kept version of the active jobs (or of the jobs named with --job) \
            and compares it with what was recorded when it was promoted. A changed, missing or unreadable \
            file marks its version CORRUPTED, as the scrub of monitor run does: the mark is recorded in the \
            state, the routes that hear CORRUPTED are notified once per version, and one line per corrupted \
            version is printed. SIGINT or SIGTERM stops it; what was checked is kept. \
            Exit codes: 0 every version intact, 1 corruption found, \
            2 the check could not be done or finished (state unreadable, unknown job, a version that could not be read \
            for a reason of this host, interrupted).
            """
    )

    @OptionGroup var state: StateOptions
    @OptionGroup var config: ConfigOptions

    @Option(name: .customLong("job"), help: ArgumentHelp("Check only this job's versions (repeatable).", valueName: "name"))
    var jobs: [String] = []

    func run() throws {
        let store: StateStore
        do {
            store = try StateLocator.open(state, config)
        } catch let code as ExitCode {
            throw code == .success ? code : ExitCode(2)
        }
        LoggingSetup.bootstrap()
        let summary: ScrubSummary
        let delivered: Int
        do {
            let known = Set(try store.activeJobs().map(\.job.name))
            if let unknown = jobs.first(where: { !known.contains($0) }) {
                Output.error("monitor: error: no active job named \"\(unknown)\" in \(store.path)")
                throw ExitCode(2)
            }
            let stop = ScrubStop()
            let signals = Self.stopOnSignals(stop)
            defer { withExtendedLifetime(signals) {} }
            summary = try Scrubber(store: store).run(.everything, jobs: jobs, stop: stop)
            delivered = summary.corrupted.isEmpty ? 0 : try Notifier(store: store, transport: LiveTransport()).deliverDue(now: Date()).delivered
        } catch let error as StoreError {
            Output.error("monitor: error: \(error)")
            throw ExitCode(2)
        }
        for (job, version) in summary.corrupted {
            print("CORRUPTED \(job) \(version.id): \(version.reason)")
        }
        print(Self.text(summary, delivered: delivered))
        for postponed in summary.postponed {
            Output.error("monitor: job \(postponed.job), version \(postponed.versionID) not checked: \(postponed.problem)")
        }
        if !summary.corrupted.isEmpty { throw ExitCode(1) }
        if summary.ended != .finished || !summary.postponed.isEmpty {
            Output.error("monitor: error: not every version could be checked; run monitor verify again")
            throw ExitCode(2)
        }
    }

    static func text(_ summary: ScrubSummary, delivered: Int) -> String {
        let versions = summary.versionsChecked
        var text = "Checked \(versions) version\(versions == 1 ? "" : "s") (\(summary.filesChecked) file\(summary.filesChecked == 1 ? "" : "s"), "
        text += "\(ReportFormat.bytes(summary.bytesRead)))"
        if summary.ended == .stopped { text += ", stopped with \(summary.remaining) left" }
        text += summary.corrupted.isEmpty ? ": all intact" : ": \(summary.corrupted.count) corrupted"
        if delivered > 0 { text += "; \(delivered) notification\(delivered == 1 ? "" : "s") sent" }
        if summary.inPlace > 0 {
            text +=
                "; \(summary.inPlace) version\(summary.inPlace == 1 ? "" : "s") verified in staging (promote: none) not read, as monitor keeps no copy"
        }
        return text + "."
    }

    /// SIGINT and SIGTERM raise `stop` instead of killing the process, so that what was checked
    /// is recorded and the next check resumes from there.
    private static func stopOnSignals(_ stop: ScrubStop) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { signal in
            Glibc.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { stop.raise() }
            source.resume()
            return source
        }
    }
}
