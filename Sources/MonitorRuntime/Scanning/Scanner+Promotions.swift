import Foundation
import MonitorCore
import MonitorStore

extension Scanner {
    /// A status file of a batch read once, and the promotion it led to when it is a new SUCCESS.
    struct BatchPromotion {
        var reading: StatusFileReading
        /// nil when there was nothing to promote.
        var result: PromotionResult?
    }

    /// Reads the new status files of a batch and promotes the SUCCESS ones all together
    /// (``Promoter/promote(_:logger:now:)``): two flushes of the destinations for the whole batch,
    /// both done before this returns, so before any version of the batch is recorded.
    ///
    /// - Returns: per job of `batch`, what ``decide`` would otherwise read and promote itself;
    ///   nil for a job whose status file is not read in this scan (another source, or one the
    ///   ledger already knows).
    func promote(_ batch: [Observed], ledgers: [JobLedger], now: Date) -> [BatchPromotion?] {
        var promotions: [BatchPromotion?] = []
        var requests: [PromotionRequest] = []
        var requested: [Int] = []
        for (observed, ledger) in zip(batch, ledgers) {
            let job = observed.active.job
            guard job.effectiveSource == .statusFile, !ledger.statusKnown else {
                promotions.append(nil)
                continue
            }
            let reading = observed.status.reading(job: job.name, verify: job.verify, now: now)
            promotions.append(BatchPromotion(reading: reading))
            guard case .valid(let report, let sha256, let bytes, _) = reading, report.status == .success else { continue }
            requested.append(promotions.count - 1)
            requests.append(
                PromotionRequest(
                    report: report, statusBytes: bytes, jobFolder: observed.active.folder,
                    versionID: Promoter.versionID(finishedAt: report.finishedAt, statusSHA256: sha256), mode: observed.active.promotionMode))
        }
        guard !requests.isEmpty else { return promotions }
        for (index, result) in zip(requested, promoter.promote(requests, logger: logger, now: now)) {
            promotions[index]?.result = result
        }
        return promotions
    }
}
