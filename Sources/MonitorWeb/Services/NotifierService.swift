import Foundation
import Logging
import MonitorRuntime
import MonitorStore
import ServiceLifecycle

/// Delivers the outbox every few seconds through the injected transport (e-mail and webhooks in
/// production, a recorder in tests). A delivery round in progress finishes before shutdown.
public struct NotifierService: Service {
    let notifier: Notifier
    let metrics: MonitorMetrics
    let interval: Duration
    let clock: @Sendable () -> Date
    let logger: Logger

    public init(
        store: StateStore, transport: any NotificationTransport, metrics: MonitorMetrics, interval: Duration = .seconds(5),
        clock: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.notifier = Notifier(store: store, transport: transport, logger: logger)
        self.metrics = metrics
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let (notifier, now) = (self.notifier, clock())
            do {
                let summary = try await offload { () throws(StoreError) -> Notifier.Summary in try notifier.deliverDue(now: now) }
                metrics.recordDeliveries(summary)
            } catch {
                logger.error("cannot deliver notifications", metadata: ["error": "\(error.description)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
        logger.info("notifier service stopped")
    }
}
