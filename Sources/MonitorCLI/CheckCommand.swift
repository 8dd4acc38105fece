import ArgumentParser
import Foundation
import MonitorCore

/// `monitor check`: validates the configuration with compiler-style diagnostics (SPEC §7).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration; exit 0 when valid, 1 when not.",
        discussion:
            "Reports every problem in one pass. Unset environment variables named by *_env keys and missing destination folders are warnings; --strict makes unset environment variables errors (use it on the host that runs the monitor)."
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "Output format: text, json or github (GitHub Actions annotations).")
    var format: DiagnosticFormat = .text

    @Flag(help: "Treat unset environment variables as errors.")
    var strict = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let result = ConfigLoader().load(path: options.path)
        let diagnostics =
            (result.diagnostics
            + HostChecks(environment: environment, strict: strict)
            .diagnostics(for: result.hostReferences)).sorted()
        let formatter = DiagnosticFormatter(sources: result.sources)
        var output = formatter.render(diagnostics, as: format)
        if format == .text {
            if diagnostics.hasErrors {
                output += "\(options.path): invalid: \(DiagnosticFormatter.summary(diagnostics))\n"
            } else if let configuration = result.configuration {
                output += "\(options.path): valid: \(Self.counts(configuration))"
                output += diagnostics.isEmpty ? "\n" : " (\(DiagnosticFormatter.summary(diagnostics)))\n"
            }
        }
        print(output, terminator: "")
        if diagnostics.hasErrors { throw ExitCode(1) }
    }

    static func counts(_ configuration: Configuration) -> String {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return [
            count(configuration.jobs.count, "job"), count(configuration.destinations.count, "destination"),
            count(configuration.routes.count, "alert route"),
        ].joined(separator: ", ")
    }
}
