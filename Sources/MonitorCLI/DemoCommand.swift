import ArgumentParser
import Foundation
import Logging
import MonitorCore
import MonitorRuntime
import MonitorStore
import MonitorWeb

/// `monitor demo`: a sandbox with example jobs and three weeks of simulated backups in every
/// state, applied and scanned, then served by the daemon as `monitor run` does (SPEC §7).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a sandbox with example jobs in every state and serve its dashboard.",
        discussion: """
            Writes a configuration with six jobs, applies it, replays three weeks of simulated \
            producers (SUCCESS with several versions, FAILED, MISSING, HASH_MISMATCH, a late arrival, \
            and a PENDING run whose window is open now) with scans on a simulated clock ending now, \
            then runs the daemon on it, like `monitor run`, and prints what to look at. \
            Without --dir the sandbox is a new temporary folder. A --dir folder is created when \
            missing and rebuilt when an earlier demo made it; any other non-empty folder is refused. \
            Exit codes: 0 on a clean stop (SIGTERM or SIGINT) or after --no-serve, 1 on error.
            """
    )

    @Option(help: ArgumentHelp("Build the sandbox in this folder (kept; rebuilt when run again).", valueName: "folder"))
    var dir: String?

    @Option(help: ArgumentHelp("Address to serve on (default: 127.0.0.1:8080).", valueName: "host:port"), transform: ListenAddress.argument)
    var listen: ListenAddress?

    @Flag(help: "Build the sandbox, print how to look at it, and stop.")
    var noServe = false

    /// The end of the simulated history instead of the real time, so that tests can try any hour
    /// and daylight-saving day. Only with --no-serve: the daemon scans with the real clock.
    @Option(help: .hidden)
    var now: String?

    func run() async throws {
        if now != nil, !noServe { throw ValidationError("--now goes only with --no-serve") }
        let clock = try now.map(Clock.parse) ?? Date()
        LoggingSetup.bootstrap(defaultLevel: .info)
        // The replayed history would log every verdict and promotion of three weeks; only problems.
        var quiet = Logger(label: "monitor.demo")
        quiet.logLevel = max(quiet.logLevel, .warning)

        let build: DemoBuild
        do {
            let sandbox = try DemoSandbox.prepare(folder: dir)
            build = try sandbox.build(scenario: DemoScenario(now: clock), logger: quiet)
        } catch {
            throw Output.fail(error)
        }

        guard !noServe else {
            FileHandle.standardOutput.write(Data(DemoGuide.text(build, binary: Self.executablePath(), dashboard: nil).utf8))
            return
        }
        let logger = Logger(label: "monitor.run")
        let dependencies: WebDependencies
        let lock: StateLock?
        do {
            let store = try StateStore.open(path: build.sandbox.statePath, create: false)
            lock = try StateLock.daemon(statePath: store.path)
            dependencies = try WebDependencies(store: store, environment: ProcessInfo.processInfo.environment, logger: logger)
        } catch {
            throw Output.fail(error)
        }
        defer { withExtendedLifetime(lock) {} }
        let serving = listen ?? dependencies.settings.current.listen
        // Written straight to the descriptor, so that it shows before the daemon's log even when
        // standard output is a pipe.
        FileHandle.standardOutput.write(Data(DemoGuide.text(build, binary: Self.executablePath(), dashboard: Self.url(serving)).utf8))
        do {
            try await Daemon.run(dependencies, transport: LiveTransport(), listen: serving)
        } catch {
            throw Output.fail("the daemon stopped: \(error) (another program may use \(serving); try --listen 127.0.0.1:8081)")
        }
    }

    /// The dashboard's address as a browser reaches it: a wildcard host becomes loopback.
    static func url(_ address: ListenAddress) -> String {
        var host = address
        if host.host == "0.0.0.0" { host.host = "127.0.0.1" }
        if host.host == "::" { host.host = "::1" }
        return "http://\(host)/"
    }

    /// This program's absolute path, for commands the guide prints.
    static func executablePath() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        if let path = Bundle.main.executablePath { return path }
        return CommandLine.arguments[0]
    }
}
