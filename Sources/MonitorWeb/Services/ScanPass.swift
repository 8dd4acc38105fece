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
    /// The host this daemon is the agent of (a shared state), or nil for every job.
    let agent: String?
    /// Where the scans run: a thread of lower priority than the HTTP answers.
    let thread = ScanThread.shared

    func run(_ scope: ScanScope = .all) async -> Result<ScanSummary, StoreError> {
        let started = ContinuousClock.now
        if let problem = stateFile.problem() {
            return finish(result: .failure(.unreadable(path: store.path, reason: problem)), started: started)
        }
        let (scanner, now, names, agent, store) = (self.scanner, clock(), scope.names, self.agent, self.store)
        let result = await thread.run { () -> Result<ScanSummary, StoreError> in
            Result { () throws(StoreError) -> ScanSummary in
                // Another process scanning this host right now (a `monitor scan --host` by hand): this pass has nothing to do.
                guard let lock = try store.lockScans(of: agent) else {
                    return ScanSummary(clock: now)
                }
                defer { lock.release() }
                return try scanner.scan(now: now, jobs: names, agent: agent)
            }
        }
        if scope != .all {
            // A ping's job judged at once: the jobs document is rebuilt at its next request (not
            // now: under a flood of pings that would be once a second for nothing); the scan
            // metrics and log line stay those of the full scans, which `/healthz` watches.
            jobsCache.invalidate()
            if case .failure(let error) = result {
                logger.warning("scan of pinged jobs failed", metadata: ["jobs": "\(names)", "error": "\(error.description)"])
            }
            return result
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
