import ArgumentParser
import Foundation
import MonitorCore
import MonitorStore

/// `monitor apply`: reconciles the configuration into the state in one transaction (SPEC §7).
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply the configuration (or a saved plan) to the state.",
        discussion:
            "Validates, shows the plan and applies it in one transaction, recording a revision (config digest, git commit of the configuration, time, user, host). Nothing to do records nothing. With --plan FILE, applies exactly that saved plan, and refuses it when the state changed since it was made. Exit codes: 0 applied or nothing to do, 1 error (nothing applied)."
    )

    @OptionGroup var config: ConfigOptions
    @OptionGroup var state: StateOptions

    @Option(help: ArgumentHelp("Apply this plan saved by `monitor plan --out`.", valueName: "file"))
    var plan: String?

    @Option(help: .hidden)
    var now: String?

    func run() throws {
        let clock = try now.map(Clock.parse) ?? Date()
        do {
            let desired: DesiredState
            let statePath: String
            let context: ApplyContext
            let saved: PlanFile?
            if let plan {
                let file = try PlanFile.read(path: plan)
                desired = file.desired
                statePath = state.path { file.desired.settings.state }
                var probe = ApplyContextProbe.context(configPath: file.configPath, now: clock)
                probe.git = file.git
                context = probe
                saved = file
            } else {
                let configuration = try ConfigLoading.load(config)
                desired = DesiredState(configuration)
                statePath = state.path { configuration.settings.state }
                context = ApplyContextProbe.context(configPath: config.path, now: clock)
                saved = nil
            }
            let store = try StateStore.open(
                path: statePath, create: true, passwordVariable: StateLocator.passwordVariable(desired.settings))
            let applied = try store.appliedState()
            try saved?.check(against: applied)
            let changes = try Planner.plan(from: applied.desired, to: desired, retiredJobs: applied.retiredJobs)
            print(PlanRenderer.text(changes), terminator: "")
            guard let revision = try store.apply(desired, baseRevision: applied.revision, plan: changes, context: context) else {
                return
            }
            let s = revision.summary
            print("\nApplied revision \(revision.id) to \(statePath): \(s.add) added, \(s.change) changed, \(s.remove) removed.")
        } catch let error as StoreError {
            throw Output.fail(error)
        }
    }
}

/// `--now` values.
enum Clock {
    static func parse(_ text: String) throws -> Date {
        guard let date = Timestamp.parse(text) else {
            throw ValidationError("--now must be an RFC 3339 time such as 2026-11-24T02:00:00Z, found \"\(text)\"")
        }
        return date
    }
}
