import ArgumentParser
import Foundation
import MonitorCore
import MonitorRuntime

/// `monitor generate-manual FOLDER` (hidden; for packagers and the Dockerfile): writes one
/// mdoc manual page per command into FOLDER — `monitor.1`, `monitor-check.1`... — made from the
/// argument parser's definitions, the same ones `--help` and `monitor completion` use.
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-manual",
        abstract: "Write the manual pages (man section 1) of every command into a folder.",
        discussion: """
            For example: monitor generate-manual /usr/local/share/man/man1, then man monitor-scan. \
            The folder is created when missing; pages already there are replaced. \
            Exit codes: 0 written, 1 error.
            """,
        shouldDisplay: false
    )

    @Argument(help: ArgumentHelp("Where to write the pages.", valueName: "folder"))
    var folder: String

    @Option(help: ArgumentHelp("The date the pages carry (YYYY-MM-DD). Default: today.", valueName: "date"))
    var date: String?

    func validate() throws {
        if let date, Self.day(date) == nil { throw ValidationError("--date must be a day such as 2026-12-03, not \"\(date)\"") }
    }

    func run() throws {
        let day = date.flatMap(Self.day) ?? Date()
        let pages = try Self.pages(date: day)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for page in pages {
                try AtomicFile.write(Array(page.text.utf8), to: (folder as NSString).appendingPathComponent(page.fileName))
            }
        } catch let error as AtomicFile.Failure {
            throw Output.fail(error.message(what: "a manual page"))
        } catch {
            throw Output.fail("cannot write the manual pages into \(folder): \(error.localizedDescription)")
        }
        print("Wrote \(pages.count) manual pages into \(folder): \(pages.map(\.fileName).joined(separator: ", ")).")
    }

    /// One page per shown command of `monitor`, the root first.
    static func pages(date: Date) throws -> [ManualPage] {
        let commands = try CommandInfo.tree(of: MonitorCommand.self).walk()
        return commands.map { entry in
            let children = commands.filter { $0.path.count == entry.path.count + 1 && Array($0.path.prefix(entry.path.count)) == entry.path }
                .map { (path: $0.path, abstract: $0.command.abstract ?? "") }
            return ManualPage(path: entry.path, command: entry.command, children: children, date: date, version: MonitorVersion.current)
        }
    }

    private static func day(_ text: String) -> Date? {
        guard text.count == 10 else { return nil }
        return Timestamp.parse(text + "T00:00:00Z")
    }
}
