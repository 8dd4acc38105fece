import ArgumentParser
import Foundation
import MonitorCore
import MonitorRuntime
import MonitorStore

/// `monitor plan`: the difference between the configuration and the applied state (SPEC §7).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what `monitor apply` would change in the state.",
        discussion:
            "Exit codes: 0 success; with --detailed-exitcode, 0 no changes and 2 changes; 1 error. --out FILE saves the plan for `monitor apply --plan FILE`, which applies exactly it and refuses it once the state has changed."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var config: ConfigOptions
    @OptionGroup var state: StateOptions

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Save the plan to this file for `monitor apply --plan`.", valueName: "file"))
    var out: String?

    @Flag(help: "Exit 0 when there are no changes, 2 when there are.")
    var detailedExitcode = false

    /// The state to plan against, or `nil` when there is none yet: no file, or a PostgreSQL
    /// database without the schema (`apply` creates either). Planning never creates anything.
    static func existingState(_ path: String, passwordVariable: String) throws(StoreError) -> StateStore? {
        if PostgresLocation.isPostgres(path) {
            do { return try StateStore.openForReading(path: path, passwordVariable: passwordVariable) } catch .missing { return nil }
        }
        return FileManager.default.fileExists(atPath: path) ? try StateStore.openForReading(path: path) : nil
    }

    func run() throws {
        let configuration = try ConfigLoading.load(config)
        let desired = DesiredState(configuration)
        let statePath = state.path { configuration.settings.state }
        do {
            let store = try Self.existingState(statePath, passwordVariable: StateLocator.passwordVariable(configuration.settings))
            let applied = try store?.appliedState()
            let plan = try Planner.plan(from: applied?.desired, to: desired, retiredJobs: applied?.retiredJobs ?? [])
            let file = try PlanFile(
                plan: plan, applied: applied, desired: desired, configPath: config.path,
                git: ApplyContextProbe.git(for: config.path), now: Date())
            switch format {
            case .text:
                // The silences that hold now: the state's, and those of the configuration being planned.
                let now = Date()
                let silences =
                    try (applied?.desired == nil ? [] : SilenceListing.entries(store: store!, now: now, includingEnded: false))
                    .filter { $0.source == "state" } + SilenceListing.configured(desired.jobs, now: now, includingEnded: false)
                print(PlanRenderer.text(plan) + PlanRenderer.routesByLabel(desired) + SilenceListing.planText(silences), terminator: "")
            case .json: print(try PlanJSON(file).encoded(), terminator: "")
            }
            if let out {
                do {
                    try AtomicFile.write(try file.encoded(), to: out)
                } catch let error as AtomicFile.Failure {
                    throw Output.fail(error.message(what: "the plan"))
                }
                if format == .text { print("\nSaved this plan to \(out); apply it with: monitor apply --plan \(out)") }
            }
            if detailedExitcode, !plan.isEmpty { throw ExitCode(2) }
        } catch let error as StoreError {
            throw Output.fail(error)
        }
    }
}

/// The plan JSON of SPEC §7: `{"changes","summary","base_revision","config_digest"}`.
struct PlanJSON: Encodable {
    let changes: [Plan.Change]
    let summary: Plan.Summary
    let baseRevision: Int64
    let configDigest: String

    init(_ file: PlanFile) {
        changes = file.changes
        summary = file.summary
        baseRevision = file.baseRevision
        configDigest = file.configDigest
    }

    enum CodingKeys: String, CodingKey {
        case changes, summary
        case baseRevision = "base_revision"
        case configDigest = "config_digest"
    }

    func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
