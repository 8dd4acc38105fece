import Foundation
import MonitorCore

/// One applied configuration revision (SPEC §7 `apply`).
public struct Revision: Sendable, Hashable, Codable {
    public var id: Int64
    public var appliedAt: String
    public var configDigest: String
    public var configPath: String
    public var git: GitInfo?
    public var user: String
    public var host: String
    public var summary: Plan.Summary

    enum CodingKeys: String, CodingKey {
        case id
        case appliedAt = "applied_at"
        case configDigest = "config_digest"
        case configPath = "config_path"
        case git, user, host, summary
    }
}

/// Where the configuration came from in git, when its folder is a work tree.
public struct GitInfo: Sendable, Hashable, Codable {
    public var commit: String
    public var branch: String?
    /// Uncommitted changes in the configuration files at apply time.
    public var dirty: Bool

    public init(commit: String, branch: String?, dirty: Bool) {
        self.commit = commit
        self.branch = branch
        self.dirty = dirty
    }
}

/// Who applied, from where, and when.
public struct ApplyContext: Sendable {
    public var configPath: String
    public var git: GitInfo?
    public var user: String
    public var host: String
    public var now: Date

    public init(configPath: String, git: GitInfo?, user: String, host: String, now: Date) {
        self.configPath = configPath
        self.git = git
        self.user = user
        self.host = host
        self.now = now
    }
}

/// What the state holds now, as the planner needs it.
public struct AppliedState: Sendable {
    public var stateID: String
    /// 0 when nothing was ever applied.
    public var revision: Int64
    public var desired: DesiredState?
    public var retiredJobs: Set<String>
}
