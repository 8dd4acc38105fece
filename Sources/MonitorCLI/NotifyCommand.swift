import ArgumentParser
import Foundation
import MonitorCore
import MonitorRuntime
import MonitorStore

/// `monitor notify`: notifications by hand. Its one subcommand, `test`, checks a route.
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Send notifications by hand.",
        subcommands: [NotifyTestCommand.self]
    )
}

/// `monitor notify test ROUTE [--state PATH | --config PATH]` (SPEC §6, §7): sends a message
/// clearly marked as a test through one route, now, without the outbox. Exit codes: 0 sent,
/// 1 not sent (with the exact reason: DNS, connection refused, TLS, authentication, a refused
/// recipient, an HTTP answer, a missing environment variable).
struct NotifyTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test message through one alert route.",
        discussion: """
            The route is read from the configuration when --config is given, else from the applied \
            state (--state, $MONITOR_STATE, or settings.state of monitor.yaml). Secrets named by \
            password_env and url_env are read from the environment now. Exit codes: 0 sent, 1 not sent.
            """
    )

    @Argument(help: ArgumentHelp("The alert route's name.", valueName: "route"))
    var route: String

    @OptionGroup var state: StateOptions
    @OptionGroup var config: ConfigOptions

    func validate() throws {
        if state.state != nil, config.config != nil {
            throw ValidationError("use --state (the applied routes) or --config (the routes in the YAML), not both")
        }
    }

    func run() throws {
        let (route, settings) = try locate()
        let description = LiveTransport.describe(route)
        do throws(DeliveryError) {
            try LiveTransport().deliver(Alert.test(settings: settings, now: Date()), route: route, settings: settings)
        } catch {
            throw Output.fail("could not send a test message through route \(route.name) (\(description)): \(error.message)")
        }
        print("sent a test message through route \(route.name) (\(description))")
    }

    /// The route and the settings that go with it.
    private func locate() throws -> (AlertRoute, Settings) {
        if config.config != nil {
            let configuration = try ConfigLoading.load(config)
            let names = configuration.routes.map(\.value.name)
            guard let route = configuration.route(named: route) else { throw Output.fail(missing(names, in: config.path)) }
            return (route, configuration.settings)
        }
        let store = try StateLocator.openForReading(state, config)
        let desired: DesiredState
        do {
            guard let applied = try store.appliedState().desired else {
                throw Output.fail("nothing is applied in \(store.path) yet; run monitor apply, or pass --config to read the YAML")
            }
            desired = applied
        } catch let error as StoreError {
            throw Output.fail(error)
        }
        guard let route = desired.routes.first(where: { $0.name == route }) else {
            throw Output.fail(missing(desired.routes.map(\.name), in: "the state \(store.path)"))
        }
        return (route, desired.settings)
    }

    private func missing(_ names: [String], in place: String) -> String {
        let known = names.isEmpty ? "it has no alert route" : "its routes: \(names.sorted().joined(separator: ", "))"
        return "no alert route named \(SafeText.quoted(route)) in \(place) (\(known))"
    }
}
