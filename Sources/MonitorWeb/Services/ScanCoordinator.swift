import Foundation
import Logging
import MonitorCore
import MonitorRuntime
import MonitorStore

/// Runs scans one at a time, whoever asks: the scheduled `ScanService` and `POST /api/scan`
/// share it, so two scans never touch the same job folders together. A caller that arrives
/// while a scan runs waits for it, then gets its own scan.
public actor ScanCoordinator {
    let store: StateStore
    let scanner: MonitorRuntime.Scanner
    let settings: AppliedSettings
    let metrics: MonitorMetrics
    let jobsCache: JobsDocumentCache
    let jobsSource: JobsDocumentSource
    let clock: @Sendable () -> Date
    let logger: Logger
    private var tail: Task<Result<ScanSummary, StoreError>, Never>?

    init(store: StateStore, settings: AppliedSettings, metrics: MonitorMetrics, jobsCache: JobsDocumentCache,
         jobsSource: JobsDocumentSource, clock: @escaping @Sendable () -> Date, logger: Logger) {
        self.store = store
        self.scanner = MonitorRuntime.Scanner(store: store, logger: logger)
        self.settings = settings
        self.metrics = metrics
        self.jobsCache = jobsCache
        self.jobsSource = jobsSource
        self.clock = clock
        self.logger = logger
    }

    /// Scans every active job now, after any scan already running; answers its summary.
    /// The scan itself is not cancelled with the caller: a promotion in flight always finishes.
    public func scan() async throws(StoreError) -> ScanSummary {
        let previous = tail
        let task = Task { () -> Result<ScanSummary, StoreError> in
            _ = await previous?.value
            return await self.runScan()
        }
        tail = task
        return try await task.value.get()
    }

    private nonisolated func runScan() async -> Result<ScanSummary, StoreError> {
        let started = ContinuousClock.now
        let (scanner, store, now) = (self.scanner, self.store, clock())
        let result = await offload { () -> Result<ScanSummary, StoreError> in
            Result { () throws(StoreError) -> ScanSummary in try scanner.scan(now: now) }
        }
        return await finish(result: result, started: started, store: store)
    }

    private nonisolated func finish(result: Result<ScanSummary, StoreError>, started: ContinuousClock.Instant,
                                    store: StateStore) async -> Result<ScanSummary, StoreError> {
        let duration = ContinuousClock.now - started
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        jobsCache.refresh(from: jobsSource, logger: logger)
        switch result {
        case .success(let summary):
            metrics.recordScan(seconds: seconds, at: clock(), errors: summary.errors.count)
            let verdicts = summary.verdicts.keys.sorted().map { "\($0)=\(summary.verdicts[$0]!)" }.joined(separator: ",")
            logger.info("scan finished", metadata: [
                "jobs": "\(summary.jobs)", "verdicts": "\(verdicts)", "promoted": "\(summary.promoted)",
                "errors": "\(summary.errors.count)", "seconds": "\(String(format: "%.3f", seconds))",
            ])
            if let fresh = try? await offload({ () throws(StoreError) -> Settings in try AppliedSettings.read(from: store) }) {
                settings.update(fresh)
            }
        case .failure(let error):
            metrics.recordScan(seconds: seconds, at: nil, errors: 1)
            logger.error("scan failed", metadata: ["error": "\(error.description)"])
        }
        return result
    }
}
