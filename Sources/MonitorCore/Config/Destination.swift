/// A storage root. Job `J` on destination `D` owns the folder `<D.path>/<J>/`.
public struct Destination: Sendable, Hashable, Codable {
    public var name: String
    /// Absolute path; relative paths in YAML are resolved against the declaring file's folder.
    public var path: String
    /// Promoted versions kept, the current one included; at least 1.
    public var keepVersions: Int
    /// `promote:` as written; `nil` means `copy`. Stored only when written, so that states
    /// applied before it existed plan no change.
    public var promote: PromotionMode?
    /// `host:` as written: the machine that holds this destination, whose agent scans and
    /// promotes it (SPEC §12). `nil` means `settings.default_host`; ignored with an SQLite state.
    /// Stored only when written.
    public var host: String?

    public static let defaultKeepVersions = 3

    public init(name: String, path: String, keepVersions: Int = Destination.defaultKeepVersions) {
        self.name = name
        self.path = path
        self.keepVersions = keepVersions
    }

    /// The machine that holds this destination: its own `host`, else `settings.default_host`.
    public func effectiveHost(settings: Settings) -> String? { host ?? settings.defaultHost }

    enum CodingKeys: String, CodingKey {
        case name, path, promote, host
        case keepVersions = "keep_versions"
    }
}
