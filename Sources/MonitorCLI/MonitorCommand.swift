import ArgumentParser
import MonitorCore

/// The `monitor` command: configuration-as-code backup monitoring.
public struct MonitorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Configuration-as-code backup monitor.",
        discussion:
            "Declare expected backups in YAML, validate them in CI with `monitor check`, review `monitor plan`, reconcile with `monitor apply`, and let `monitor run` watch.",
        version: MonitorVersion.current,
        subcommands: [
            CheckCommand.self, PlanCommand.self, ApplyCommand.self, ScanCommand.self, StatusCommand.self, ReportCommand.self, SealCommand.self,
            RunCommand.self, NotifyCommand.self, VerifyCommand.self, SilenceCommand.self, StateCommand.self, DemoCommand.self, CompletionCommand.self,
            ManualCommand.self,
        ]
    )

    public init() {}
}
