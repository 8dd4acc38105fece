import Foundation
import Logging
import MonitorRuntime
import ServiceLifecycle

/// Scans at start, then every `scan_interval` of the applied settings, read again after each
/// scan so a newly applied revision changes the pace without a restart; after each scan, the
/// scrub re-reads kept versions within its budget. On graceful shutdown the sleep is cut short
/// and a scrub stops at once; a scan in progress runs to its end first.
public struct ScanService: Service {
    let coordinator: ScanCoordinator
    let settings: AppliedSettings
    let logger: Logger

    public init(coordinator: ScanCoordinator, settings: AppliedSettings, logger: Logger) {
        self.coordinator = coordinator
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                _ = try await coordinator.scan()
            } catch {
                // Already logged by the coordinator; the daemon keeps serving and tries again.
            }
            // Then the scrub, within its budget; a shutdown stops it at the next chunk it reads.
            let stop = ScrubStop()
            _ = await withTaskCancellationHandler {
                await withGracefulShutdownHandler {
                    await coordinator.scrub(stop: stop)
                } onGracefulShutdown: {
                    stop.raise()
                }
            } onCancel: {
                stop.raise()
            }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            let interval = max(1, settings.current.scanInterval.seconds)
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            } catch {
                break
            }
        }
        logger.info("scan service stopped")
    }
}
