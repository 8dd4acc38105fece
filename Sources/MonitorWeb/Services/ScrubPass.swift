import Foundation
import Logging
import MonitorCore
import MonitorRuntime
import MonitorStore

/// The scrub as the daemon runs it after each scheduled scan (SPEC §15): kept versions due under
/// the applied `settings.scrub`, within its budget, off the cooperative pool; stopped at the
/// next chunk when the daemon shuts down, resumed by the next pass.
struct ScrubPass: Sendable {
    let store: StateStore
    let settings: AppliedSettings
    let clock: @Sendable () -> Date
    let logger: Logger
    /// The host whose versions this daemon reads (a shared state), or nil for every version.
    let agent: String?

    /// - Returns: what the pass did; nil when the scrub is off (`budget: 0`) or could not start.
    func run(stop: ScrubStop) async -> ScrubSummary? {
        let scrub = settings.current.scrubSettings
        guard let budget = scrub.budget else { return nil }
        let (scrubber, clock, agent) = (Scrubber(store: store, logger: logger), self.clock, self.agent)
        let started = ContinuousClock.now
        let result = await offload { () -> Result<ScrubSummary, StoreError> in
            Result { () throws(StoreError) -> ScrubSummary in
                try scrubber.run(.due(scrub), budget: .seconds(budget.seconds), clock: clock, stop: stop, agent: agent)
            }
        }
        switch result {
        case .failure(let error):
            logger.error("scrub failed", metadata: ["error": "\(error.description)"])
            return nil
        case .success(let summary):
            if summary.filesChecked > 0 || summary.deletedByRetention > 0 || !summary.postponed.isEmpty {
                let elapsed = ContinuousClock.now - started
                logger.info(
                    "scrub finished",
                    metadata: [
                        "versions": "\(summary.versionsChecked)", "files": "\(summary.filesChecked)", "bytes": "\(summary.bytesRead)",
                        "corrupted": "\(summary.corrupted.count)", "left": "\(summary.remaining)", "ended": "\(summary.ended.rawValue)",
                        "seconds": "\(String(format: "%.3f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))",
                    ])
            }
            if summary.ended == .budget,
                let overdue = try? await offload({ [store] () throws(StoreError) -> Int in
                    try store.overdueVersions(before: scrub.overdueBefore(now: clock()))
                }), overdue > 0
            {
                logger.warning(
                    "scrub is behind",
                    metadata: [
                        "overdue_versions": "\(overdue)",
                        "advice":
                            "\(overdue) kept versions were not checked within settings.scrub.every (\(scrub.every)); raise settings.scrub.budget (now \(budget))",
                    ])
            }
            return summary
        }
    }
}
