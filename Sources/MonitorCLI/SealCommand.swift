import ArgumentParser
import Foundation
import MonitorCore
import MonitorRuntime

/// `monitor seal DIR --status SUCCESS|FAILED`: writes a correct `DIR/STATUS.json` for producers
/// (SPEC §3, §7). Exit codes: 0 written, 1 error (nothing written).
struct SealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Write DIR/STATUS.json for the backup files in DIR.",
        discussion: """
            Run it last, after the backup's files are in DIR (usually <destination>/<job>/staging). \
            With --status SUCCESS, every regular file under DIR is listed and hashed; symbolic links, \
            FIFOs and devices are refused, and so is an empty DIR. With --status FAILED, no files are \
            listed: say what went wrong with --message. The status file is written atomically \
            (a temporary name, flushed to disk, then renamed). Exit codes: 0 written, 1 error.
            """
    )

    /// The two values of `--status`, spelled as in the status file.
    enum Status: String, ExpressibleByArgument, CaseIterable {
        case success = "SUCCESS"
        case failed = "FAILED"
    }

    @Argument(help: ArgumentHelp("The folder to seal.", valueName: "dir"))
    var dir: String

    @Option(help: "How the backup ended.")
    var status: Status

    @Option(help: ArgumentHelp("The job's name, checked by the scanner when it reads the file.", valueName: "name"))
    var job: String?

    @Option(help: ArgumentHelp("A short explanation, shown in alerts and on the dashboard.", valueName: "text"))
    var message: String?

    @Option(help: ArgumentHelp("When the backup started (RFC 3339 with an offset).", valueName: "time"))
    var startedAt: String?

    @Option(help: ArgumentHelp("When the backup finished (RFC 3339 with an offset). Default: now.", valueName: "time"))
    var finishedAt: String?

    @Option(help: .hidden)
    var now: String?

    func run() throws {
        do {
            let clock = try now.map { try Self.time($0, option: "--now") } ?? Date()
            if let job, let problem = Name.problem(with: job) {
                throw Output.fail("--job \(SafeText.quoted(job)) is not a job name: \(problem)")
            }
            let started = try startedAt.map { try Self.time($0, option: "--started-at") }
            let finished = try finishedAt.map { try Self.time($0, option: "--finished-at") } ?? clock
            let outcome: StatusReport.Outcome = status == .success ? .success : .failed
            let (report, path) = try StatusFileWriter.seal(
                folder: dir, status: outcome, job: job, message: message, startedAt: started, finishedAt: finished)
            let bytes = report.files.reduce(Int64(0)) { $0 + ($1.size ?? 0) }
            let count = report.files.count
            let contents = outcome == .success ? ", \(count) file\(count == 1 ? "" : "s"), \(bytes) bytes" : ""
            print("Sealed \(path): \(outcome.rawValue)\(contents), finished at \(RFC3339Time.string(report.finishedAt)).")
        } catch let error as SealError {
            throw Output.fail(error)
        }
    }

    private static func time(_ text: String, option: String) throws -> Date {
        guard let date = RFC3339Time.parse(text) else {
            throw Output.fail("\(option) \(SafeText.quoted(text)) is not an RFC 3339 time with an offset (e.g. \(RFC3339Time.example))")
        }
        return date
    }
}
