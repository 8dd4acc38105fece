import ArgumentParser
import Foundation
import MonitorCore
import MonitorStore

/// `monitor status`: the ledger as of the last scan (SPEC §7, §8).
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every job's status as of the last scan.",
        discussion: "With --job NAME, shows that job with its occurrences, newest first."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var state: StateOptions
    @OptionGroup var config: ConfigOptions

    @Option(help: ArgumentHelp("Show the status as of this time (RFC 3339).", valueName: "time"))
    var now: String?

    @Option(help: ArgumentHelp("Show one job with its occurrences.", valueName: "name"))
    var job: String?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(help: "How many occurrences to show with --job.")
    var limit: Int = 50

    func run() throws {
        let clock = try now.map(Clock.parse) ?? Date()
        let store = try StateLocator.openForReading(state, config)
        do {
            let views = try store.jobViews(now: clock, named: job.map { [$0] } ?? [], occurrenceLimit: job == nil ? nil : max(1, limit))
            if let job {
                guard let view = views.first else { throw Output.fail("no active job named \"\(job)\" in \(store.path)") }
                switch format {
                case .json: print(String(decoding: try JSONEncoder.api.encode(view), as: UTF8.self))
                case .text: print(StatusTable.detail(view, now: clock), terminator: "")
                }
            } else {
                switch format {
                case .json: print(String(decoding: try StatusDocument(generatedAt: clock, jobs: views).encoded(), as: UTF8.self))
                case .text: print(StatusTable.text(views, now: clock), terminator: "")
                }
            }
        } catch let error as StoreError {
            throw Output.fail(error)
        }
    }
}
