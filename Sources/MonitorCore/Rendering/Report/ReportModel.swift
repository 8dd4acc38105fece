import Foundation

/// Everything `monitor report` shows (SPEC §10), read from the state in one go and rendered
/// by `ReportRenderer` without touching the disk or the clock.
public struct ReportModel: Sendable, Hashable {
    /// The period of the report when `--days` is not given.
    public static let defaultDays = 30
    /// How many of a job's latest occurrences its strip shows.
    public static let stripLength = 30

    public var generatedAt: Date
    /// The report covers `[generatedAt - days, generatedAt]`.
    public var days: Int
    /// The latest applied revision; `nil` when nothing was ever applied.
    public var revision: AppliedRevision?
    /// Occurrences of active jobs scheduled in the period, per verdict (PENDING included).
    public var verdictCounts: [Verdict: Int]
    /// Every active job, in any order: `orderedJobs` is the order of the page.
    public var jobs: [ReportJob]

    public init(generatedAt: Date, days: Int, revision: AppliedRevision?, verdictCounts: [Verdict: Int], jobs: [ReportJob]) {
        self.generatedAt = generatedAt
        self.days = days
        self.revision = revision
        self.verdictCounts = verdictCounts
        self.jobs = jobs
    }

    public var periodStart: Date { Self.periodStart(now: generatedAt, days: days) }

    public static func periodStart(now: Date, days: Int) -> Date { now.addingTimeInterval(-Double(days) * 86_400) }

    /// Jobs that need attention (FAILED, MISSING, HASH_MISMATCH) first, then the rest; by name in each group.
    public var orderedJobs: [ReportJob] {
        jobs.sorted { a, b in
            a.needsAttention != b.needsAttention ? a.needsAttention : a.view.name < b.view.name
        }
    }
}

/// The revision a report was made against: what was applied, from where, by whom.
public struct AppliedRevision: Sendable, Hashable {
    public var number: Int64
    public var configDigest: String
    public var configPath: String
    public var gitCommit: String?
    public var gitBranch: String?
    public var gitDirty: Bool
    public var appliedAt: Date
    public var user: String
    public var host: String

    public init(
        number: Int64, configDigest: String, configPath: String, gitCommit: String?, gitBranch: String?, gitDirty: Bool,
        appliedAt: Date, user: String, host: String
    ) {
        self.number = number
        self.configDigest = configDigest
        self.configPath = configPath
        self.gitCommit = gitCommit
        self.gitBranch = gitBranch
        self.gitDirty = gitDirty
        self.appliedAt = appliedAt
        self.user = user
        self.host = host
    }
}

/// One job of the report: its status as the API shows it, its latest occurrences and the
/// sizes of the versions promoted in the period.
public struct ReportJob: Sendable, Hashable {
    public var view: JobView
    /// The latest `ReportModel.stripLength` occurrences of the period, oldest first.
    public var recent: [OccurrenceRecord]
    /// Versions promoted in the period, oldest first, including those retention deleted since.
    public var sizes: [VersionSize]

    public init(view: JobView, recent: [OccurrenceRecord], sizes: [VersionSize]) {
        self.view = view
        self.recent = recent
        self.sizes = sizes
    }

    public var needsAttention: Bool { view.status.isProblem || view.corruptedVersions > 0 }
}

/// One promoted version on the size chart.
public struct VersionSize: Sendable, Hashable {
    public var versionID: String
    /// The backup's `finished_at`: where the version sits on the time axis.
    public var finishedAt: Date
    public var bytes: Int64
    public var files: Int
    /// Retention deleted it from disk; the ledger remembers its size.
    public var deleted: Bool
    /// What the scrub found changed on disk, when it found something (SPEC §15).
    public var corrupted: String?
    /// Its run was SUSPICIOUS (SPEC §15).
    public var suspicious: Bool

    public init(versionID: String, finishedAt: Date, bytes: Int64, files: Int, deleted: Bool, corrupted: String? = nil, suspicious: Bool = false) {
        self.suspicious = suspicious
        self.versionID = versionID
        self.finishedAt = finishedAt
        self.bytes = bytes
        self.files = files
        self.deleted = deleted
        self.corrupted = corrupted
    }
}
