import Hummingbird
import Logging
import MonitorCore
import MonitorRuntime
import ServiceLifecycle

/// `monitor run`: the scan service, the notifier service and the HTTP server in one
/// `ServiceGroup`. SIGTERM or SIGINT shuts them down gracefully — the server stops taking
/// requests first, then a scan or delivery in progress finishes — and `run` returns.
public enum Daemon {
    public static func run(_ dependencies: WebDependencies, transport: any NotificationTransport, listen: ListenAddress) async throws {
        let logger = dependencies.logger
        let notifier = NotifierService(
            store: dependencies.store, transport: transport, metrics: dependencies.metrics,
            clock: dependencies.clock, logger: logger)
        let scanner = ScanService(coordinator: dependencies.scans, settings: dependencies.settings, logger: logger)
        let server = buildApplication(dependencies, listen: listen)
        // Started in this order, shut down in reverse: the server goes first.
        let group = ServiceGroup(
            configuration: .init(
                services: ([notifier, scanner, server] as [any Service]).map {
                    .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info("monitor run starting", metadata: ["listen": "\(listen)", "state": "\(dependencies.store.path)"])
        try await group.run()
        logger.info("monitor run stopped")
    }
}
