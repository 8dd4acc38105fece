import Foundation
import Logging
import MonitorCore
import MonitorRuntime
import MonitorStore

/// One scan as the daemon runs it: refused when the state file was removed or replaced, the
/// blocking work off the cooperative pool, then the jobs document, metrics, log line and
/// applied settings brought up to date.
struct ScanPass: Sendable {
    let store: StateStore
    let scanner: MonitorRuntime.Scanner
    let stateFile: StateFileWatch
    let settings: AppliedSettings
    let metrics: MonitorMetrics
    let jobsCache: JobsDocumentCache
    let jobsSource: JobsDocumentSource
    let clock: @Sendable () -> Date
    let logger: Logger

    func run() async -> Result<ScanSummary, StoreError> {
        let started = ContinuousClock.now
        if let problem = stateFile.problem() {
            return finish(result: .failure(.unreadable(path: store.path, reason: problem)), started: started)
        }
        let (scanner, now) = (self.scanner, clock())
        let result = await offload { () -> Result<ScanSummary, StoreError> in
            Result { () throws(StoreError) -> ScanSummary in try scanner.scan(now: now) }
        }
        jobsCache.refresh(from: jobsSource, logger: logger)
        if case .success = result,
            let fresh = try? await offload({ [store] () throws(StoreError) -> Settings in try AppliedSettings.read(from: store) })
        {
            settings.update(fresh)
        }
        return finish(result: result, started: started)
    }

    private func finish(result: Result<ScanSummary, StoreError>, started: ContinuousClock.Instant) -> Result<ScanSummary, StoreError> {
        let duration = ContinuousClock.now - started
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        switch result {
        case .success(let summary):
            metrics.recordScan(seconds: seconds, at: clock(), errors: summary.errors.count)
            let verdicts = summary.sortedVerdicts.map { "\($0.verdict.rawValue)=\($0.count)" }.joined(separator: ",")
            logger.info(
                "scan finished",
                metadata: [
                    "jobs": "\(summary.jobs)", "verdicts": "\(verdicts)", "promoted": "\(summary.promoted)",
                    "errors": "\(summary.errors.count)", "seconds": "\(String(format: "%.3f", seconds))",
                ])
        case .failure(let error):
            metrics.recordScan(seconds: seconds, at: nil, errors: 1)
            logger.error("scan failed", metadata: ["error": "\(error.description)"])
        }
        return result
    }
}
