import Foundation
import Logging
import MonitorCore
import MonitorStore

/// One scan pass (SPEC §4, §5): for every active job, new occurrences, the status file,
/// promotion, and verdicts, written per job in one transaction. A job that fails is recorded
/// in the summary and the log; the others carry on.
public struct Scanner: Sendable {
    let store: StateStore
    let promoter: Promoter
    let logger: Logger
    /// Jobs whose ledgers are read in one transaction. Their status files are held in memory
    /// meanwhile, so a batch also ends once it holds `batchByteLimit` bytes of them.
    var batchSize = 256
    var batchByteLimit = 32 * 1024 * 1024

    public init(store: StateStore, logger: Logger = Logger(label: "monitor.scan")) {
        self.store = store
        self.promoter = Promoter()
        self.logger = logger
    }

    /// Scans `jobs` (all active jobs when empty) as of `now`.
    public func scan(now: Date, jobs names: [String] = []) throws(StoreError) -> ScanSummary {
        let started = Date()
        let scanID = try store.startScan(at: started, clock: now)
        var summary = ScanSummary(clock: now)
        let jobs = try store.activeJobs(named: names)
        let applied = try store.appliedRouting()
        let routes = applied?.routesByName ?? [:]
        summary.jobs = jobs.count
        var rootPresent: [String: Bool] = [:]
        var batch: [Observed] = []
        var batchBytes = 0
        func failed(_ name: String, _ error: StoreError) {
            summary.errors.append(.init(job: name, message: error.description))
            logger.error("scan of job failed", metadata: ["job": "\(name)", "error": "\(error.description)"])
        }
        func flush() {
            defer {
                batch.removeAll(keepingCapacity: true)
                batchBytes = 0
            }
            guard !batch.isEmpty else { return }
            let ledgers: [JobLedger]
            do {
                ledgers = try store.ledgers(for: batch.map { ($0.active.job.name, $0.status.sha256) })
            } catch {
                for observed in batch { failed(observed.active.job.name, error) }
                return
            }
            for (observed, ledger) in zip(batch, ledgers) {
                let job = observed.active.job
                let policy = AlertPolicy(job: job, routes: job.routes.compactMap { routes[$0] }, publicURL: applied?.settings.publicURL)
                do {
                    try decide(observed, ledger: ledger, policy: policy, now: now, into: &summary)
                } catch {
                    failed(job.name, error)
                }
            }
        }
        for active in jobs {
            let root = active.destination.path
            let present = rootPresent[root] ?? FileManager.default.fileExists(atPath: root)
            rootPresent[root] = present
            let observed = observe(active, rootPresent: present, now: now)
            batchBytes += observed.status.byteCount
            batch.append(observed)
            if batch.count >= batchSize || batchBytes >= batchByteLimit { flush() }
        }
        flush()
        try store.finishScan(scanID, at: Date(), summary: summary)
        return summary
    }

    /// What the file system shows of one job before its ledger is read.
    private struct Observed {
        var active: ActiveJob
        var rootPresent: Bool
        var status: StatusFileObservation
    }

    private func observe(_ active: ActiveJob, rootPresent: Bool, now: Date) -> Observed {
        let job = active.job
        if rootPresent, FileManager.default.fileExists(atPath: active.folder) {
            for action in promoter.recover(jobFolder: active.folder) {
                logger.notice("recovered an interrupted promotion", metadata: ["job": "\(job.name)", "action": "\(action)"])
            }
        }
        let status = rootPresent ? StatusFileReader.observe(jobFolder: active.folder, now: now) : .read(.absent)
        return Observed(active: active, rootPresent: rootPresent, status: status)
    }

    private func decide(_ observed: Observed, ledger: JobLedger, policy: AlertPolicy, now: Date,
                        into summary: inout ScanSummary) throws(StoreError) {
        let active = observed.active, rootPresent = observed.rootPresent
        let job = active.job
        let schedule = OccurrenceSchedule(job: job)
        let (fresh, skipped) = schedule.newOccurrences(activeSince: active.activeSince, lastKnown: ledger.lastKnown, now: now)
        if skipped > 0 {
            logger.warning("catch-up limit reached; oldest occurrences skipped", metadata: ["job": "\(job.name)", "skipped": "\(skipped)"])
        }
        summary.newOccurrences += fresh.count

        var rows: [Date: OccurrenceRecord] = [:]
        var original: [Date: OccurrenceRecord] = [:]
        for record in ledger.pending { rows[record.occurrence.scheduledAt] = record; original[record.occurrence.scheduledAt] = record }
        for occurrence in fresh { rows[occurrence.scheduledAt] = OccurrenceRecord(occurrence: occurrence) }

        var update = JobLedgerUpdate(job: job.name)
        // A status file already processed (by its hash) is neither decoded nor checked again.
        let reading = ledger.statusKnown ? nil : observed.status.reading(job: job.name, verify: job.verify, now: now)
        let processed = reading.map { process($0, active: active, now: now, update: &update, summary: &summary) } ?? .nothing
        if case .postponed(let problem) = processed {
            // A fault of this host, not of the backup: judge nothing, write nothing; the next
            // scan reads the file again and catches up every occurrence from the same ledger.
            summary.errors.append(.init(job: job.name, message: "\(problem) (a temporary fault of this host: nothing was judged; "
                + "the job is scanned again at the next scan)"))
            logger.warning("scan of job postponed", metadata: ["job": "\(job.name)", "error": "\(problem)"])
            return
        }
        if let reading, case .evidence(let evidence) = processed {
            // Never after `now` (SPEC §4): a file can be attributed only to an occurrence that has started.
            let instant = ClockSanity.attributable(evidence.evidence.finishedAt ?? reading.modifiedAt ?? now, now: now)
            // A status file for an occurrence before the job was applied is recorded (and
            // promoted) but decides nothing: that occurrence was never expected.
            let expectedFloor = active.activeSince.addingTimeInterval(-TimeInterval(job.window.seconds))
            if let attributed = schedule.attribute(finishedAt: instant), attributed.scheduledAt > expectedFloor {
                let key = attributed.scheduledAt
                if rows[key] == nil {
                    let existing = try store.occurrence(job: job.name, scheduledAt: key)
                    original[key] = existing
                    rows[key] = existing ?? OccurrenceRecord(occurrence: attributed)
                }
                rows[key] = VerdictRules.with(evidence.evidence, rows[key]!)
                if var file = evidence.record {
                    file.scheduledAt = key
                    update.statusFiles.append(file)
                }
            } else if let file = evidence.record {
                update.statusFiles.append(file)
            }
        }

        let missingMessage = rootPresent ? nil
            : "no status file: the destination folder \(active.destination.path) does not exist (storage not mounted?)"
        for (key, record) in rows {
            let decided = VerdictRules.withoutEvidence(record, now: now, missingMessage: missingMessage)
            rows[key] = decided
            if decided != original[key] {
                update.occurrences.append(decided)
                if decided.state != .pending, decided.state != original[key]?.state {
                    summary.verdicts[decided.state.rawValue, default: 0] += 1
                    logger.info("verdict", metadata: [
                        "job": "\(job.name)", "verdict": "\(decided.state.rawValue)",
                        "scheduled_at": "\(Timestamp.string(decided.occurrence.scheduledAt))", "late": "\(decided.late)",
                    ])
                }
            }
        }
        update.occurrences.sort { $0.occurrence.scheduledAt < $1.occurrence.scheduledAt }
        update.notifications = alerts(for: update.occurrences, original: original, ledger: ledger, policy: policy, now: now)
        summary.notifications += update.notifications.count
        try store.record(update, at: now)
    }

    /// What a status file gave: nothing yet, evidence for its occurrence, or nothing *this scan*
    /// because a temporary fault of this host (``IOFault``) stopped reading or promoting it.
    private enum Processed {
        case nothing
        /// `record` is `nil` when the file must be processed again at the next scan (promotion failed for a reason of ours).
        case evidence((evidence: Evidence, record: StatusFileRecord?))
        case postponed(String)
    }

    /// What a new status file says, after promotion for SUCCESS.
    private func process(_ reading: StatusFileReading, active: ActiveJob, now: Date,
                         update: inout JobLedgerUpdate, summary: inout ScanSummary) -> Processed {
        switch reading {
        case .absent, .unsettled:
            return .nothing
        case .retry(let problem):
            return .postponed(problem)
        case .invalid(let sha256, _, let problem):
            summary.statusFiles += 1
            let message = "invalid status file: \(problem)"
            return .evidence((Evidence(finishedAt: nil, verdict: .failed, message: message, versionID: nil),
                    StatusFileRecord(sha256: sha256, scheduledAt: nil, status: nil, finishedAt: nil, receivedAt: now, verdict: .failed, message: message)))
        case .valid(let report, let sha256, let bytes, _):
            summary.statusFiles += 1
            func record(_ verdict: Verdict, _ message: String?) -> StatusFileRecord {
                StatusFileRecord(sha256: sha256, scheduledAt: nil, status: report.status, finishedAt: report.finishedAt,
                                 receivedAt: now, verdict: verdict, message: message)
            }
            guard report.status == .success else {
                let message = report.message ?? "the producer reported FAILED"
                return .evidence((Evidence(finishedAt: report.finishedAt, verdict: .failed, message: message, versionID: nil), record(.failed, message)))
            }
            let versionID = Promoter.versionID(finishedAt: report.finishedAt, statusSHA256: sha256)
            switch promoter.promote(report: report, statusBytes: bytes, jobFolder: active.folder, versionID: versionID,
                                    keepVersions: active.destination.keepVersions) {
            case .promoted(let version):
                summary.promoted += 1
                update.versions.append(VersionRecord(id: version.id, path: version.path, finishedAt: report.finishedAt, promotedAt: now,
                                                     files: version.files, bytes: version.bytes, statusSHA256: sha256))
                update.deletedVersions = deletedVersions(active)
                logger.info("promoted", metadata: ["job": "\(active.job.name)", "version": "\(version.id)", "bytes": "\(version.bytes)"])
                return .evidence((Evidence(finishedAt: report.finishedAt, verdict: .success, message: report.message, versionID: version.id),
                                  record(.success, report.message)))
            case .mismatch(let message):
                return .evidence((Evidence(finishedAt: report.finishedAt, verdict: .hashMismatch, message: message, versionID: nil),
                                  record(.hashMismatch, message)))
            case .failed(let message):
                logger.error("promotion failed", metadata: ["job": "\(active.job.name)", "error": "\(message)"])
                let text = "promotion failed: \(message) (retried at the next scan)"
                return .evidence((Evidence(finishedAt: report.finishedAt, verdict: .failed, message: text, versionID: nil), nil))
            case .postponed(let message):
                return .postponed("promotion postponed: \(message)")
            }
        }
    }

    /// The notifications this scan's verdicts cause, from the job's status before and after.
    private func alerts(for changed: [OccurrenceRecord], original: [Date: OccurrenceRecord], ledger: JobLedger,
                        policy: AlertPolicy, now: Date) -> [OutboxItem] {
        guard !policy.routes.isEmpty else { return [] }
        let decided = changed.filter { $0.state != .pending }
        var latest = ledger.latestDecided
        for record in decided where record.occurrence.scheduledAt >= (latest?.occurrence.scheduledAt ?? .distantPast) {
            latest = record
        }
        return policy.notifications(
            changes: decided.map { (before: original[$0.occurrence.scheduledAt]?.state, after: $0) },
            statusBefore: ledger.latestDecided, statusAfter: latest, lastProblemAlert: ledger.lastProblemAlert, now: now)
    }

    /// Versions the ledger holds whose folders retention has removed.
    private func deletedVersions(_ active: ActiveJob) -> [String] {
        let live = (try? store.liveVersions(job: active.job.name)) ?? []
        return live.filter { !FileManager.default.fileExists(atPath: $0.path) }.map(\.id)
    }
}

extension StatusFileReading {
    /// The SHA-256 of the status file's bytes, when there is a file to identify.
    var sha256: String? {
        switch self {
        case .absent, .unsettled, .retry: nil
        case .invalid(let sha256, _, _): sha256
        case .valid(_, let sha256, _, _): sha256
        }
    }

    var modifiedAt: Date? {
        switch self {
        case .absent, .retry: nil
        case .unsettled(let date): date
        case .invalid(_, let date, _): date
        case .valid(_, _, _, let date): date
        }
    }
}
