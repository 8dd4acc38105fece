import Foundation

/// What the ledger knows of one occurrence.
public struct OccurrenceRecord: Sendable, Hashable {
    public var occurrence: Occurrence
    public var state: Verdict
    public var late: Bool
    public var finishedAt: Date?
    public var message: String?
    public var versionID: String?
    /// The run's size, file count and duration, when its status file brought them.
    public var figures: RunFigures?
    /// A notification about it was recorded while a silence held, and never sent (SPEC §16).
    public var silenced: Bool

    public init(
        occurrence: Occurrence, state: Verdict = .pending, late: Bool = false, finishedAt: Date? = nil,
        message: String? = nil, versionID: String? = nil, figures: RunFigures? = nil, silenced: Bool = false
    ) {
        self.occurrence = occurrence
        self.state = state
        self.late = late
        self.finishedAt = finishedAt
        self.message = message
        self.versionID = versionID
        self.figures = figures
        self.silenced = silenced
    }
}

/// What one status file says about its occurrence, after reading and (for SUCCESS) promotion.
public struct Evidence: Sendable, Hashable {
    /// `nil` for a status file so broken that it has no usable `finished_at`.
    public var finishedAt: Date?
    public var verdict: Verdict
    public var message: String?
    public var versionID: String?
    public var figures: RunFigures?

    public init(finishedAt: Date?, verdict: Verdict, message: String?, versionID: String?, figures: RunFigures? = nil) {
        self.finishedAt = finishedAt
        self.verdict = verdict
        self.message = message
        self.versionID = versionID
        self.figures = figures
    }
}

/// The verdict rules of SPEC §4, as pure functions of the ledger row, the evidence and the clock.
public enum VerdictRules {
    /// The row after a scan at `now` with no new status file: PENDING until the window ends, then
    /// MISSING — or FAILED with `unreadable`, the reason the job's source could not be read
    /// (a repository that refuses to open is a failure, not an absence: SPEC §13).
    public static func withoutEvidence(
        _ record: OccurrenceRecord, now: Date, missingMessage: String? = nil, unreadable: String? = nil
    ) -> OccurrenceRecord {
        guard record.state == .pending, now >= record.occurrence.windowEnd else { return record }
        var decided = record
        if let unreadable {
            decided.state = .failed
            decided.message = unreadable
        } else {
            decided.state = .missing
            decided.message = missingMessage ?? Source.Kind.statusFile.missingMessage
        }
        return decided
    }

    /// The row after a status file attributed to it. Several status files for one occurrence
    /// (a retry after a failure): the one with the latest `finished_at` gives the verdict. A
    /// status file arriving after the occurrence was declared MISSING replaces it, marked late.
    public static func with(_ evidence: Evidence, _ record: OccurrenceRecord) -> OccurrenceRecord {
        if record.state != .pending, record.state != .missing, let current = record.finishedAt {
            guard let new = evidence.finishedAt, new >= current else { return record }
        }
        var updated = record
        if record.state == .missing || record.state == .skipped { updated.late = true }
        updated.state = evidence.verdict
        updated.finishedAt = evidence.finishedAt
        updated.message = evidence.message
        updated.versionID = evidence.versionID
        updated.figures = evidence.figures
        return updated
    }

    /// A job's status (SPEC §4): the verdict of its latest decided occurrence; with none yet,
    /// PENDING while a window is open and NEW otherwise. STALE (§15) replaces SUCCESS,
    /// SUSPICIOUS, NEW and PENDING, never a worse verdict.
    public static func jobStatus(latestDecided: Verdict?, hasOpenWindow: Bool, stale: Bool = false) -> JobStatus {
        let status: JobStatus
        if let latestDecided, latestDecided.setsJobStatus { status = .verdict(latestDecided) } else { status = hasOpenWindow ? .pending : .new }
        guard stale else { return status }
        switch status {
        case .verdict(.success), .verdict(.suspicious), .verdict(.pending), .new: return .stale
        default: return status
        }
    }
}
