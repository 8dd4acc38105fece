import ArgumentParser
import Foundation
import MonitorCore
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
        let store = try StateLocator.open(state, config)
        let model: ReportModel
        do {
            model = try store.report(now: clock, days: days)
        } catch {
            throw Output.fail(error)
        }
        let html = ReportRenderer.html(model)
        do {
            try ReportFile.save(Array(html.utf8), to: output)
        } catch {
            throw Output.fail(error)
        }
        let attention = model.jobs.filter(\.needsAttention).count
        print("Wrote the report of \(model.jobs.count) job\(model.jobs.count == 1 ? "" : "s")"
              + " (\(attention) need\(attention == 1 ? "s" : "") attention) to \(output).")
    }
}

/// Writes a file atomically: a temporary file in the destination's folder, flushed, then
/// renamed over the destination, so a reader sees the old report or the new one, never half.
enum ReportFile {
    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    static func save(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        let folder = (absolute as NSString).deletingLastPathComponent
        let temporary = (folder as NSString).appendingPathComponent(".\((absolute as NSString).lastPathComponent).\(getpid()).tmp")
        func failure(_ what: String, _ code: Int32) -> WriteError {
            var hint = ""
            switch code {
            case ENOENT: hint = " (does the folder \(folder) exist?)"
            case EACCES, EPERM, EROFS: hint = " (monitor needs write access to \(folder))"
            case EISDIR: hint = " (it is a folder; give a file name)"
            default: break
            }
            return WriteError(description: "cannot write the report to \(path): \(what): \(String(cString: strerror(code)))\(hint)")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create a temporary file in its folder", errno) }
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw failure("writing failed", code)
            }
            written += result
        }
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlink(temporary)
            throw failure("flushing to disk failed", code)
        }
        close(fd)
        if rename(temporary, absolute) != 0 {
            let code = errno
            unlink(temporary)
            throw failure("cannot rename the temporary file into place", code)
        }
    }
}
