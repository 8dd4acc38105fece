import ArgumentParser
import Foundation
import MonitorCore
import MonitorStore

/// `--state`, shared by every command that reads or writes the state.
struct StateOptions: ParsableArguments {
    static let environmentVariable = "MONITOR_STATE"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "State database.", discussion: "Default: $MONITOR_STATE, else settings.state of the configuration.", valueName: "path"))
    var state: String?

    /// `--state`, else `$MONITOR_STATE`, else `fallback()` (the configuration's settings.state).
    func path(fallback: () throws -> String) rethrows -> String {
        if let state { return absolute(state) }
        if let value = ProcessInfo.processInfo.environment[Self.environmentVariable], !value.isEmpty { return absolute(value) }
        return try fallback()
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") || PostgresLocation.isPostgres(path) ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}
