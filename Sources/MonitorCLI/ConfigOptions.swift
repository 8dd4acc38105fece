import ArgumentParser
import Foundation
import MonitorCore

/// `--config`, shared by every command that reads the YAML.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Configuration file, or a folder of *.yaml/*.yml files merged in name order.",
            discussion: "Default: $MONITOR_CONFIG, else monitor.yaml.", valueName: "path"))
    var config: String?

    var path: String { ConfigLoader.path(option: config, environment: ProcessInfo.processInfo.environment) }
}

extension DiagnosticFormat: ExpressibleByArgument {}
