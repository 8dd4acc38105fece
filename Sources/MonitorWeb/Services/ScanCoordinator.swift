import Foundation
import Logging
import MonitorCore
import MonitorRuntime
import MonitorStore

/// Runs scans for the scheduled `ScanService` and `POST /api/scan`, so two scans never touch
/// the same job folders together: at most one runs and one waits (`ScanQueue`); callers that
/// arrive while one waits share its result.
public final class ScanCoordinator: Sendable {
    private let queue: ScanQueue<Result<ScanSummary, StoreError>>
    private let scrubPass: ScrubPass

    init(
        store: StateStore, stateFile: StateFileWatch, settings: AppliedSettings, metrics: MonitorMetrics, jobsCache: JobsDocumentCache,
        jobsSource: JobsDocumentSource, clock: @escaping @Sendable () -> Date, logger: Logger, agent: String?
    ) {
        let pass = ScanPass(
            store: store, scanner: MonitorRuntime.Scanner(store: store, sources: RunSources.standard(), logger: logger), stateFile: stateFile,
            settings: settings, metrics: metrics, jobsCache: jobsCache, jobsSource: jobsSource, clock: clock, logger: logger, agent: agent)
        self.queue = ScanQueue(work: { scope in await pass.run(scope) })
        self.scrubPass = ScrubPass(store: store, settings: settings, clock: clock, logger: logger, agent: agent)
    }

    /// Re-reads the kept versions that are due, within `settings.scrub.budget` (SPEC §15); the
    /// scheduled scan service runs it after each scan. Nil when the scrub is off.
    public func scrub(stop: ScrubStop) async -> ScrubSummary? {
        await scrubPass.run(stop: stop)
    }

    /// Scans every active job — now, or right after the scan already running — and answers the
    /// summary. Throws `StoreError` when the scan failed, `CancellationError` when the caller was
    /// cancelled first (the scan itself is never cut short).
    public func scan() async throws -> ScanSummary {
        try await queue.run(.all).get()
    }

    /// Scans the named jobs only (a ping's job, SPEC §13), in the same queue as every other
    /// scan, so that it never runs beside one.
    public func scan(jobs: Set<String>) async throws -> ScanSummary {
        try await queue.run(.jobs(jobs)).get()
    }
}
