import ArgumentParser
import Foundation
import Logging
import MonitorCore
import MonitorRuntime
import MonitorStore
import MonitorWeb

/// `monitor run`: the daemon — scans every `scan_interval`, delivers notifications, serves the
/// JSON API, metrics and the dashboard; stops cleanly on SIGTERM/SIGINT (SPEC §7, §9).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: scheduled scans, notifications, HTTP API and dashboard.",
        discussion: """
            Scans at start and then every settings.scan_interval, picking up newly applied revisions \
            without a restart. Serves the dashboard at / and the JSON API under /api. \
            Logs go to standard error (MONITOR_LOG_LEVEL, default info). Exit codes: 0 on a clean stop \
            (SIGTERM or SIGINT), 1 when the daemon cannot start.
            """
    )

    @OptionGroup var state: StateOptions
    @OptionGroup var config: ConfigOptions
    @OptionGroup var host: HostOption

    @Option(
        help: ArgumentHelp("Address to listen on (default: settings.listen, else 127.0.0.1:8080).", valueName: "host:port"),
        transform: ListenAddress.argument)
    var listen: ListenAddress?

    func run() async throws {
        let store = try StateLocator.open(state, config)
        LoggingSetup.bootstrap(defaultLevel: .info)
        let logger = Logger(label: "monitor.run")
        let dependencies: WebDependencies
        let lock: StateLock?
        do {
            // Held while the daemon runs: `scan --now` into the future is refused meanwhile (SPEC §7).
            lock = try StateLock.daemon(statePath: store.path)
            dependencies = try WebDependencies(
                store: store, environment: ProcessInfo.processInfo.environment, logger: logger, agent: host.name)
        } catch {
            throw Output.fail(error)
        }
        defer { withExtendedLifetime(lock) {} }
        let address = listen ?? dependencies.settings.current.listen
        do {
            try await Daemon.run(dependencies, transport: LiveTransport(), listen: address)
        } catch {
            throw Output.fail("the daemon stopped: \(error)")
        }
    }
}
