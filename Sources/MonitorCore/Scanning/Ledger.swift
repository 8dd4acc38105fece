import Foundation

/// A job as the scanner needs it: its applied spec, where it lands and since when it is expected.
public struct ActiveJob: Sendable, Hashable {
    public var job: Job
    public var destination: Destination
    public var activeSince: Date

    public init(job: Job, destination: Destination, activeSince: Date) {
        self.job = job
        self.destination = destination
        self.activeSince = activeSince
    }

    /// `<destination>/<job>/`, the folder the job owns.
    public var folder: String { (destination.path as NSString).appendingPathComponent(job.name) }
}

/// A status file the scanner has processed (SPEC §4: processed once, keyed by its SHA-256).
public struct StatusFileRecord: Sendable, Hashable {
    public var sha256: String
    /// `nil` when it belongs to no expected occurrence (before the job was applied).
    public var scheduledAt: Date?
    public var status: StatusReport.Outcome?
    public var finishedAt: Date?
    public var receivedAt: Date
    public var verdict: Verdict
    public var message: String?

    public init(
        sha256: String, scheduledAt: Date?, status: StatusReport.Outcome?, finishedAt: Date?, receivedAt: Date, verdict: Verdict, message: String?
    ) {
        self.sha256 = sha256
        self.scheduledAt = scheduledAt
        self.status = status
        self.finishedAt = finishedAt
        self.receivedAt = receivedAt
        self.verdict = verdict
        self.message = message
    }
}

/// A promoted version as the ledger records it.
public struct VersionRecord: Sendable, Hashable, Codable {
    public var id: String
    public var path: String
    public var finishedAt: Date
    public var promotedAt: Date
    public var files: Int
    public var bytes: Int64
    public var statusSHA256: String
    /// Each promoted file's path, size and SHA-256, recorded with the version for the scrub
    /// (SPEC §15); empty when read back from the ledger, and for versions promoted before it.
    public var contents: [VersionFile]
    /// When the scrub (or `monitor verify`) last finished checking every file of it.
    public var checkedAt: Date?
    /// What a check found changed, missing or unreadable; nil while it is intact. Never cleared.
    public var corrupted: String?

    public init(
        id: String, path: String, finishedAt: Date, promotedAt: Date, files: Int, bytes: Int64, statusSHA256: String,
        contents: [VersionFile] = [], checkedAt: Date? = nil, corrupted: String? = nil
    ) {
        self.id = id
        self.path = path
        self.finishedAt = finishedAt
        self.promotedAt = promotedAt
        self.files = files
        self.bytes = bytes
        self.statusSHA256 = statusSHA256
        self.contents = contents
        self.checkedAt = checkedAt
        self.corrupted = corrupted
    }
}

/// Everything one scan learnt about one job, written in one transaction.
public struct JobLedgerUpdate: Sendable {
    public var job: String
    public var occurrences: [OccurrenceRecord] = []
    public var statusFiles: [StatusFileRecord] = []
    public var versions: [VersionRecord] = []
    /// Versions that retention deleted from disk.
    public var deletedVersions: [String] = []
    /// Notifications caused by these verdicts, written in the same transaction.
    public var notifications: [OutboxItem] = []

    public init(job: String) { self.job = job }

    public var isEmpty: Bool {
        occurrences.isEmpty && statusFiles.isEmpty && versions.isEmpty && deletedVersions.isEmpty && notifications.isEmpty
    }
}

/// What the ledger holds for a job before a scan changes it.
public struct JobLedger: Sendable {
    /// The newest scheduled instant the ledger has.
    public var lastKnown: Date?
    /// Occurrences still PENDING.
    public var pending: [OccurrenceRecord]
    /// Whether the current status file (by its SHA-256) was processed already.
    public var statusKnown: Bool
    /// The latest decided occurrence: the job's status before the scan.
    public var latestDecided: OccurrenceRecord?
    /// Per route, when it was last told of a problem of this job or reminded of it.
    public var lastProblemAlert: [String: Date]
    /// Figures of the job's latest SUCCESS runs, newest first (at most ``Suspicion/historyLength``):
    /// the baseline a new run is judged against. SUSPICIOUS runs never join it.
    public var baseline: [RunFigures]
    /// `finished_at` of the newest good run (SUCCESS or SUSPICIOUS), for STALE.
    public var lastGood: Date?
    /// When a STALE event was last recorded for the job, if ever.
    public var staleAlertedAt: Date?
    /// Routes whose latest problem notification of the job was recorded silenced (SPEC §16).
    public var silencedProblemRoutes: Set<String>

    public init(
        lastKnown: Date?, pending: [OccurrenceRecord], statusKnown: Bool, latestDecided: OccurrenceRecord?,
        lastProblemAlert: [String: Date], silencedProblemRoutes: Set<String> = [], baseline: [RunFigures] = [], lastGood: Date? = nil,
        staleAlertedAt: Date? = nil
    ) {
        self.lastKnown = lastKnown
        self.pending = pending
        self.statusKnown = statusKnown
        self.latestDecided = latestDecided
        self.lastProblemAlert = lastProblemAlert
        self.baseline = baseline
        self.lastGood = lastGood
        self.staleAlertedAt = staleAlertedAt
        self.silencedProblemRoutes = silencedProblemRoutes
    }
}
