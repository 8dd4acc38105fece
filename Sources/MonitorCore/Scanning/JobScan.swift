import Foundation

/// What a scan learnt from a job's status file, after promotion for SUCCESS: the input the
/// decision needs from the file system, as values.
public enum StatusOutcome: Sendable, Hashable {
    /// No new status file: none, one already processed (by its hash), or one still being written.
    case nothing
    /// A new status file and what it says.
    case evidence(StatusEvidence)
    /// A temporary fault of this host (too many open files, an I/O error…) stopped reading or
    /// promoting it: nothing is judged this scan.
    case postponed(String)
    /// What a source other than the status file (SPEC §13) holds that the ledger has not
    /// recorded yet, oldest first; `unreadable` when the source could not be read this scan
    /// (the tool's own words): occurrences whose window ends meanwhile are FAILED with it.
    case runs([StatusEvidence], unreadable: String?)

    /// The runs to judge, in order.
    public var evidences: [StatusEvidence] {
        switch self {
        case .nothing, .postponed: []
        case .evidence(let evidence): [evidence]
        case .runs(let runs, _): runs
        }
    }
}

/// A new status file, read (and for SUCCESS promoted).
public struct StatusEvidence: Sendable, Hashable {
    public var evidence: Evidence
    /// What the ledger keeps of the file; `nil` when it must be processed again at the next
    /// scan (a promotion that failed for a reason of ours).
    public var record: StatusFileRecord?
    /// The time the file speaks for, before the clock rule: its `finished_at` when that can be
    /// read (even from an invalid file), else its modification time.
    public var instant: Date
    /// The version the promotion made. Retention runs after the decision (it keeps the newest
    /// version that is not SUSPICIOUS), so the scanner adds what it deleted to the update.
    public var promoted: VersionRecord?

    public init(evidence: Evidence, record: StatusFileRecord?, instant: Date, promoted: VersionRecord? = nil) {
        self.evidence = evidence
        self.record = record
        self.instant = instant
        self.promoted = promoted
    }
}

/// Everything the decision for one job reads: values only.
public struct JobScanInput: Sendable {
    public var job: ActiveJob
    /// What the ledger held before this scan.
    public var ledger: JobLedger
    public var outcome: StatusOutcome
    /// The ledger's rows for the occurrences the new runs are attributed to
    /// (``JobScan/attribution(of:job:now:)``), where the ledger has them and they are not pending.
    public var attributedRows: [OccurrenceRecord]
    /// Whether the destination's folder exists (storage mounted): it words a MISSING.
    public var destinationPresent: Bool
    public var policy: AlertPolicy
    public var now: Date

    public init(
        job: ActiveJob, ledger: JobLedger, outcome: StatusOutcome, attributedRows: [OccurrenceRecord],
        destinationPresent: Bool, policy: AlertPolicy, now: Date
    ) {
        self.job = job
        self.ledger = ledger
        self.outcome = outcome
        self.attributedRows = attributedRows
        self.destinationPresent = destinationPresent
        self.policy = policy
        self.now = now
    }
}

/// What the scanner must write and report for one job.
public enum JobScanDecision: Sendable {
    /// Nothing is written: a temporary fault of this host; the next scan decides from the same ledger.
    case postponed(String)
    case decided(JobScanResult)
}

public struct JobScanResult: Sendable {
    /// Written in one transaction: occurrences, the status file, versions, notifications.
    public var update: JobLedgerUpdate
    /// Occurrences whose verdict this scan decided or changed (not PENDING), oldest first.
    public var verdicts: [OccurrenceRecord]
    /// Occurrences new to the ledger, and those beyond the catch-up limit that were skipped.
    public var newOccurrences: Int
    public var skippedOccurrences: Int
    /// How the job's STALE condition changed.
    public var stale: Staleness.Change
}

/// The scan rules of SPEC §4 for one job, as one pure function: the ledger, the status file's
/// outcome and `now` in; the ledger update and the notifications out. The scanner only reads
/// the file system and the state, calls it, and writes what it returns.
public enum JobScan {
    /// The occurrence a status file speaking for `instant` is attributed to: the latest one
    /// at or before `min(instant, now)`. A file can never open an occurrence that has not started.
    public static func attribution(of instant: Date, job: ActiveJob, now: Date) -> Occurrence? {
        OccurrenceSchedule(job: job.job).attribute(finishedAt: ClockSanity.attributable(instant, now: now))
    }

    public static func decide(_ input: JobScanInput) -> JobScanDecision {
        let (job, ledger, now) = (input.job.job, input.ledger, input.now)
        if case .postponed(let problem) = input.outcome { return .postponed(problem) }
        let schedule = OccurrenceSchedule(job: job)
        let (fresh, skipped) = schedule.newOccurrences(activeSince: input.job.activeSince, lastKnown: ledger.lastKnown, now: now)

        var rows: [Date: OccurrenceRecord] = [:]
        var original: [Date: OccurrenceRecord] = [:]
        for record in ledger.pending {
            rows[record.occurrence.scheduledAt] = record
            original[record.occurrence.scheduledAt] = record
        }
        for occurrence in fresh { rows[occurrence.scheduledAt] = OccurrenceRecord(occurrence: occurrence) }

        var update = JobLedgerUpdate(job: job.name)
        for status in input.outcome.evidences {
            if let version = status.promoted { update.versions.append(version) }
            var file = status.record
            let evidence = judged(status.evidence, job: job, baseline: ledger.baseline)
            file?.verdict = evidence.verdict
            file?.message = evidence.message
            // An occurrence from before the job was applied was never expected, but once a status
            // file is recorded for it, it counts (SPEC §4): a FAILED right after adding a job shows.
            if let attributed = attribution(of: status.instant, job: input.job, now: now) {
                let key = attributed.scheduledAt
                if rows[key] == nil {
                    let stored = input.attributedRows.first { $0.occurrence.scheduledAt == key }
                    original[key] = stored
                    rows[key] = stored ?? OccurrenceRecord(occurrence: attributed)
                }
                rows[key] = VerdictRules.with(evidence, rows[key] ?? OccurrenceRecord(occurrence: attributed))
                file?.scheduledAt = key
            }
            if let file { update.statusFiles.append(file) }
        }
        var unreadable: String?
        if case .runs(_, let reason) = input.outcome { unreadable = reason }

        let missingMessage =
            job.effectiveSource != .statusFile
            ? job.effectiveSource.kind.missingMessage
            : input.destinationPresent
                ? nil
                : "no status file: the destination folder \(input.job.destination.path) does not exist (storage not mounted?)"
        var verdicts: [OccurrenceRecord] = []
        for (key, record) in rows {
            let decided = VerdictRules.skippingMaintenance(
                VerdictRules.withoutEvidence(record, now: now, missingMessage: missingMessage, unreadable: unreadable), before: record,
                maintenance: job.maintenance)
            guard decided != original[key] else { continue }
            update.occurrences.append(decided)
            if decided.state != .pending, decided.state != original[key]?.state { verdicts.append(decided) }
        }
        update.occurrences.sort { $0.occurrence.scheduledAt < $1.occurrence.scheduledAt }
        verdicts.sort { $0.occurrence.scheduledAt < $1.occurrence.scheduledAt }
        let lastGood = ([ledger.lastGood] + update.occurrences.filter(\.state.isGood).map(\.finishedAt)).compactMap { $0 }.max()
        let stale = Staleness.change(
            job: input.job, lastGoodBefore: ledger.lastGood, lastGoodAfter: lastGood, alertedAt: ledger.staleAlertedAt, now: now)
        update.notifications = notifications(
            for: update.occurrences, original: original, ledger: ledger, stale: stale, policy: input.policy, now: now)
        return .decided(
            JobScanResult(update: update, verdicts: verdicts, newOccurrences: fresh.count, skippedOccurrences: skipped, stale: stale))
    }

    /// The evidence of a SUCCESS run, SUSPICIOUS when ``Suspicion`` finds reasons (SPEC §15);
    /// any other evidence unchanged.
    static func judged(_ evidence: Evidence, job: Job, baseline: [RunFigures]) -> Evidence {
        guard evidence.verdict == .success, let figures = evidence.figures else { return evidence }
        let reasons = Suspicion.reasons(for: figures, job: job, history: baseline)
        guard !reasons.isEmpty else { return evidence }
        var suspicious = evidence
        suspicious.verdict = .suspicious
        suspicious.message = reasons.joined(separator: "; ") + (evidence.message.map { " (the producer said: \($0))" } ?? "")
        return suspicious
    }

    /// The notifications this scan's verdicts cause, from the job's status before and after.
    private static func notifications(
        for changed: [OccurrenceRecord], original: [Date: OccurrenceRecord], ledger: JobLedger,
        stale: Staleness.Change, policy: AlertPolicy, now: Date
    ) -> [OutboxItem] {
        guard !policy.routes.isEmpty else { return [] }
        let decided = changed.filter(\.state.setsJobStatus)
        var latest = ledger.latestDecided
        for record in decided where record.occurrence.scheduledAt >= (latest?.occurrence.scheduledAt ?? .distantPast) {
            latest = record
        }
        return policy.notifications(
            changes: decided.map { (before: original[$0.occurrence.scheduledAt]?.state, after: $0) },
            statusBefore: ledger.latestDecided, statusAfter: latest, stale: stale, lastProblemAlert: ledger.lastProblemAlert, now: now)
    }
}
