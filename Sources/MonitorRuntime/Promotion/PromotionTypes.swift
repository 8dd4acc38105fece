import Foundation
import MonitorCore

/// A version copied from staging into `versions/<id>/`, verified, and made current (or kept as
/// an older version when a newer one is already current).
public struct PromotedVersion: Sendable, Hashable {
    public var id: String
    /// Absolute path of `versions/<id>/`.
    public var path: String
    public var files: Int
    public var bytes: Int64
    /// Whether `current_version` now points at it.
    public var isCurrent: Bool
    /// False when it is older than the `keepVersions` newest versions (a late arrival) and was
    /// therefore deleted by retention right after being promoted.
    public var isKept: Bool
    /// Problems after the version was safely in place, such as an old version retention could
    /// not delete: worth logging, not a reason to call the promotion failed.
    public var warnings: [String]
    /// Each file's path, size and SHA-256, as the ledger records them for the scrub.
    public var contents: [VersionFile]
    /// Files hard-linked from the current version instead of copied (`promote: link_unchanged`).
    public var linkedFiles = 0
    /// Set when the file system refused hard links and files were copied instead: what it said.
    public var linkRefusal: String?

    public init(
        id: String, path: String, files: Int, bytes: Int64, isCurrent: Bool, isKept: Bool = true, warnings: [String] = [],
        contents: [VersionFile] = []
    ) {
        self.id = id
        self.path = path
        self.files = files
        self.bytes = bytes
        self.isCurrent = isCurrent
        self.isKept = isKept
        self.warnings = warnings
        self.contents = contents
    }
}

/// How a promotion ended.
public enum PromotionResult: Sendable, Hashable {
    case promoted(PromotedVersion)
    /// A listed file's content does not match its `sha256` or `size`: nothing was promoted.
    case mismatch(message: String)
    /// The copy could not be made (permission, disk full, a file vanishing): nothing was promoted.
    case failed(message: String)
    /// A temporary fault of this host (too many open files, an I/O error…) stopped the copy:
    /// nothing was promoted and nothing is judged; the next scan tries again.
    case postponed(message: String)
}
