/// How a verified backup reaches its job's `versions/` (SPEC §14): the `promote` key of a
/// destination or a job, the job's winning.
public enum PromotionMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every file is copied into a new version folder (the default).
    case copy
    /// As `copy`, but a file whose size and SHA-256 equal a file of the current version is
    /// hard-linked from it; versions are then made read-only so that none can change another.
    case linkUnchanged = "link_unchanged"
    /// Files are verified where they are, in `staging/`, and nothing is copied: the version is
    /// only recorded, and `current_version` is left alone.
    case none

    public static let `default` = PromotionMode.copy
}

extension ActiveJob {
    /// The promotion mode in force: the job's `promote`, else its destination's, else `copy`.
    public var promotionMode: PromotionMode { job.promote ?? destination.promote ?? .default }
}
