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
    /// The readers of the sources other than the status file, by kind (SPEC §13).
    let sources: [Source.Kind: any RunSource]
    let logger: Logger
    /// Jobs whose ledgers are read in one transaction. Their status files are held in memory
    /// meanwhile, so a batch also ends once it holds `batchByteLimit` bytes of them.
    var batchSize = 256
    var batchByteLimit = 32 * 1024 * 1024

    public init(store: StateStore, sources: [Source.Kind: any RunSource] = RunSources.standard(), logger: Logger = Logger(label: "monitor.scan")) {
        self.store = store
        self.promoter = Promoter()
        self.sources = sources
        self.logger = logger
    }

    /// Scans `jobs` (all active jobs when empty) as of `now`. With a shared state and an
    /// `agent`, only the jobs whose destinations that host holds, after its heartbeat (SPEC §12).
    public func scan(now: Date, jobs names: [String] = [], agent: String? = nil) throws(StoreError) -> ScanSummary {
        let started = Date()
        let scanID = try store.startScan(at: started, clock: now)
        var summary = ScanSummary(clock: now)
        var jobs = try store.activeJobs(named: names)
        let applied = try store.appliedRouting()
        if let agent, store.isShared, let applied {
            // The agents' notifications are routed by all their jobs, whichever this scan judges.
            try report(agent: agent, jobs: names.isEmpty ? jobs : try store.activeJobs(), applied: applied)
            // A destination on no host would be scanned by no agent: say so at every scan.
            for destination in Set(jobs.filter { $0.destination.effectiveHost(settings: applied.settings) == nil }.map(\.destination.name)).sorted() {
                summary.errors.append(
                    .init(
                        job: "(destination \(destination))",
                        message:
                            "destination \(destination) has no host, so no agent scans its jobs; set its host, or settings.default_host, and apply"))
            }
            jobs = jobs.filter { $0.destination.effectiveHost(settings: applied.settings) == agent }
        }
        let silences = try store.silences(at: now).map(\.silence)
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
                ledgers = try store.ledgers(
                    for: batch.map {
                        StateStore.LedgerRequest(
                            job: $0.active.job.name, statusSHA256: $0.status.sha256, judgesHistory: $0.active.job.detectsAnomalies,
                            watchesAge: $0.active.job.maxAge != nil)
                    })
            } catch {
                for observed in batch { failed(observed.active.job.name, error) }
                return
            }
            // The batch's new versions are promoted together, sharing their flushes, before any is recorded.
            let promotions = promote(batch, ledgers: ledgers, now: now)
            for ((observed, ledger), promotion) in zip(zip(batch, ledgers), promotions) {
                let job = observed.active.job
                var policy = AlertPolicy(job: job, reachedAmong: applied?.routes ?? [], publicURL: applied?.settings.publicURL)
                policy.silences = silences
                policy.silencedProblemRoutes = ledger.silencedProblemRoutes
                do {
                    try decide(
                        observed, ledger: ledger, promotion: promotion, policy: policy, settings: applied?.settings, now: now, into: &summary)
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
    struct Observed {
        var active: ActiveJob
        var rootPresent: Bool
        var status: StatusFileObservation
    }

    private func observe(_ active: ActiveJob, rootPresent: Bool, now: Date) -> Observed {
        let job = active.job
        // A job of another source has no status file to read (its destination only places it).
        guard job.effectiveSource == .statusFile else { return Observed(active: active, rootPresent: true, status: .read(.absent)) }
        if rootPresent, FileManager.default.fileExists(atPath: active.folder) {
            for action in promoter.recover(jobFolder: active.folder, now: now) {
                logger.notice("recovered an interrupted promotion", metadata: ["job": "\(job.name)", "action": "\(action)"])
            }
        }
        let status = rootPresent ? StatusFileReader.observe(jobFolder: active.folder, now: now) : .read(.absent)
        return Observed(active: active, rootPresent: rootPresent, status: status)
    }

    /// Reads what the decision needs (the status file, promoting it; the ledger row it is
    /// attributed to), lets ``JobScan`` decide, and writes what it returns.
    private func decide(
        _ observed: Observed, ledger: JobLedger, promotion: BatchPromotion?, policy: AlertPolicy, settings: Settings?, now: Date,
        into summary: inout ScanSummary
    ) throws(StoreError) {
        let active = observed.active
        let job = active.job
        let outcome: StatusOutcome
        let source = job.effectiveSource
        if source != .statusFile {
            guard let reader = sources[source.kind] else {
                // Only a scanner built with fewer readers (a test) gets here: the job is left as it is.
                logger.warning("no reader for the job's source; not scanned", metadata: ["job": "\(job.name)", "source": "\(source.kind.rawValue)"])
                return
            }
            outcome = reader.read(active, settings: settings, store: store, now: now)
            summary.statusFiles += outcome.evidences.count
        } else if ledger.statusKnown {
            // A status file already processed (by its hash) is neither decoded nor checked again.
            outcome = .nothing
        } else {
            outcome = process(
                observed.status, reading: promotion?.reading ?? observed.status.reading(job: job.name, verify: job.verify, now: now),
                active: active, promoted: promotion?.result, now: now, summary: &summary)
        }
        var attributedRows: [OccurrenceRecord] = []
        var looked: Set<Date> = []
        for status in outcome.evidences {
            guard let attributed = JobScan.attribution(of: status.instant, job: active, now: now),
                !ledger.pending.contains(where: { $0.occurrence.scheduledAt == attributed.scheduledAt }),
                looked.insert(attributed.scheduledAt).inserted
            else { continue }
            if let row = try store.occurrence(job: job.name, scheduledAt: attributed.scheduledAt) { attributedRows.append(row) }
        }
        let input = JobScanInput(
            job: active, ledger: ledger, outcome: outcome, attributedRows: attributedRows,
            destinationPresent: observed.rootPresent, policy: policy, now: now)
        switch JobScan.decide(input) {
        case .postponed(let problem):
            // A fault of this host, not of the backup: nothing is written; the next scan reads
            // the file again and catches up every occurrence from the same ledger.
            summary.errors.append(
                .init(
                    job: job.name,
                    message: "\(problem) (a temporary fault of this host: nothing was judged; "
                        + "the job is scanned again at the next scan)"))
            logger.warning("scan of job postponed", metadata: ["job": "\(job.name)", "error": "\(problem)"])
        case .decided(var result):
            if let promoted = result.update.versions.first {
                // Retention once the run is judged: it never deletes the newest version that is not SUSPICIOUS (SPEC §15).
                result.update.deletedVersions = retain(active, promoted: promoted, verdicts: result.update.occurrences, now: now)
            }
            if result.skippedOccurrences > 0 {
                logger.warning(
                    "catch-up limit reached; oldest occurrences skipped",
                    metadata: ["job": "\(job.name)", "skipped": "\(result.skippedOccurrences)"])
            }
            summary.newOccurrences += result.newOccurrences
            for decided in result.verdicts {
                summary.verdicts[decided.state, default: 0] += 1
                logger.info(
                    "verdict",
                    metadata: [
                        "job": "\(job.name)", "verdict": "\(decided.state.rawValue)",
                        "scheduled_at": "\(Timestamp.string(decided.occurrence.scheduledAt))", "late": "\(decided.late)",
                    ])
            }
            summary.notifications += result.update.notifications.count
            try store.record(result.update, at: now)
        }
    }

    /// What a new status file says, after promotion for SUCCESS: the side effects the decision
    /// needs done first.
    private func process(
        _ observation: StatusFileObservation, reading: StatusFileReading, active: ActiveJob, promoted: PromotionResult?, now: Date,
        summary: inout ScanSummary
    ) -> StatusOutcome {
        switch reading {
        case .absent, .unsettled:
            return .nothing
        case .retry(let problem):
            return .postponed(problem)
        case .invalid(let sha256, let modifiedAt, let problem):
            summary.statusFiles += 1
            let message = "invalid status file: \(problem)"
            // Attributed by its finished_at when that can still be read and is believable (SPEC §4).
            let finishedAt = observation.bytes.flatMap { StatusReportDecoder.readableFinishedAt($0.data) }
                .flatMap { ClockSanity.isFuture($0, now: now) ? nil : $0 }
            return .evidence(
                StatusEvidence(
                    evidence: Evidence(finishedAt: nil, verdict: .failed, message: message, versionID: nil),
                    record: StatusFileRecord(
                        sha256: sha256, scheduledAt: nil, status: nil, finishedAt: nil, receivedAt: now, verdict: .failed, message: message),
                    instant: finishedAt ?? modifiedAt))
        case .valid(let report, let sha256, let bytes, _):
            summary.statusFiles += 1
            func evidence(_ verdict: Verdict, _ message: String?, version: PromotedVersion? = nil, recorded: Bool = true) -> StatusOutcome {
                let record = StatusFileRecord(
                    sha256: sha256, scheduledAt: nil, status: report.status, finishedAt: report.finishedAt,
                    receivedAt: now, verdict: verdict, message: message)
                let duration = report.startedAt.map { report.finishedAt.timeIntervalSince($0) }.flatMap { $0 >= 0 ? $0 : nil }
                let figures = RunFigures(bytes: version?.bytes, files: version?.files, duration: duration)
                return .evidence(
                    StatusEvidence(
                        evidence: Evidence(
                            finishedAt: report.finishedAt, verdict: verdict, message: message, versionID: version?.id,
                            figures: figures.isEmpty ? nil : figures),
                        record: recorded ? record : nil, instant: report.finishedAt,
                        promoted: version.map {
                            VersionRecord(
                                id: $0.id, path: $0.path, finishedAt: report.finishedAt, promotedAt: now,
                                files: $0.files, bytes: $0.bytes, statusSHA256: sha256, contents: $0.contents)
                        }))
            }
            guard report.status == .success else { return evidence(.failed, report.message ?? "the producer reported FAILED") }
            let versionID = Promoter.versionID(finishedAt: report.finishedAt, statusSHA256: sha256)
            switch promoted
                ?? promoter.promote(
                    report: report, statusBytes: bytes, jobFolder: active.folder, versionID: versionID,
                    keepVersions: nil, mode: active.promotionMode, logger: logger, now: now)
            {
            case .promoted(let version):
                summary.promoted += 1
                logger.info("promoted", metadata: ["job": "\(active.job.name)", "version": "\(version.id)", "bytes": "\(version.bytes)"])
                return evidence(.success, report.message, version: version)
            case .mismatch(let message):
                return evidence(.hashMismatch, message)
            case .failed(let message):
                logger.error("promotion failed", metadata: ["job": "\(active.job.name)", "error": "\(message)"])
                // Not recorded: the file is processed again at the next scan.
                return evidence(.failed, "promotion failed: \(message) (retried at the next scan)", recorded: false)
            case .postponed(let message):
                return .postponed("promotion postponed: \(message)")
            }
        }
    }

    /// Applies `keep_versions` after a promotion, keeping the newest good (SUCCESS) version
    /// whatever its age; returns the versions it deleted. A version folder that disappeared any
    /// other way is not taken for a retention: the scrub finds it and says CORRUPTED.
    private func retain(_ active: ActiveJob, promoted: VersionRecord, verdicts: [OccurrenceRecord], now: Date) -> [String] {
        let promotedVerdict = verdicts.first { $0.versionID == promoted.id }?.state
        var newestGood = (try? store.newestVersion(job: active.job.name, verdict: .success)) ?? nil
        if promotedVerdict == .success, newestGood.map({ promoted.id > $0 }) ?? true { newestGood = promoted.id }
        let retention = promoter.applyRetention(
            jobFolder: active.folder, keep: active.destination.keepVersions, protecting: newestGood.map { [$0] } ?? [], now: now)
        for warning in retention.warnings {
            logger.warning("retention", metadata: ["job": "\(active.job.name)", "warning": "\(warning)"])
        }
        return retention.deleted
    }
}
