import ArgumentParser
import Foundation
import MonitorCore

/// Loads the configuration for a command that needs a valid one: on errors it prints the same
/// diagnostics as `monitor check` (to standard error) and exits 1.
enum ConfigLoading {
    static func load(_ options: ConfigOptions) throws -> Configuration {
        let result = ConfigLoader().load(path: options.path)
        let hostDiagnostics = HostChecks(environment: ProcessInfo.processInfo.environment, strict: false)
            .diagnostics(for: result.hostReferences)
        let diagnostics = (result.diagnostics + hostDiagnostics).sorted()
        if !diagnostics.isEmpty {
            Output.error(DiagnosticFormatter(sources: result.sources).render(diagnostics, as: .text), terminator: "")
        }
        guard let configuration = result.configuration else {
            Output.error("\(options.path): invalid: \(DiagnosticFormatter.summary(diagnostics)); nothing was done")
            throw ExitCode(1)
        }
        return configuration
    }
}

/// Standard error, for diagnostics and failures; standard output stays for results.
enum Output {
    static func error(_ text: String, terminator: String = "\n") {
        FileHandle.standardError.write(Data((text + terminator).utf8))
    }

    /// Prints `monitor: error: MESSAGE` and exits 1.
    static func fail(_ message: some CustomStringConvertible) -> ExitCode {
        error("monitor: error: \(message)")
        return ExitCode(1)
    }
}
