/// Where a job's evidence comes from (SPEC §13): the job key `source`.
///
/// Every source yields runs — a verdict, a finish time, a message, figures — that the one scan
/// decision (``JobScan``) attributes to occurrences; only `status_file` promotes files. A new
/// source is a case here, its decoding in `ConfigDecoder+Source.swift` and a reader in
/// MonitorRuntime's `Sources/` folder.
public enum Source: Sendable, Hashable, Codable {
    /// The producer drops files into `staging/` and writes `STATUS.json` last (§3–§5).
    case statusFile
    /// The producer calls the daemon's Healthchecks-style ping routes.
    case ping
    /// Snapshots of a restic repository, listed with `restic snapshots --json`.
    case restic(ResticSource)
    /// Archives of a borg repository, listed with `borg list --json`.
    case borg(BorgSource)

    /// The source's name as written in YAML and shown by the API, the dashboard and metrics.
    public var kind: Kind {
        switch self {
        case .statusFile: .statusFile
        case .ping: .ping
        case .restic: .restic
        case .borg: .borg
        }
    }

    /// Whether the source's runs bring files to promote (only `status_file`).
    public var promotes: Bool { self == .statusFile }

    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case statusFile = "status_file"
        case ping
        case restic
        case borg

        /// Why an occurrence is MISSING, in the source's own terms.
        public var missingMessage: String {
            switch self {
            case .statusFile: "no status file arrived before the window ended"
            case .ping: "no ping reported a finished run before the window ended"
            case .restic: "no new restic snapshot appeared before the window ended"
            case .borg: "no new borg archive appeared before the window ended"
            }
        }
    }

    // Stored as `"status_file"`, `"ping"`, `{"restic": {...}}` or `{"borg": {...}}`: the YAML's own form.
    private enum CodingKeys: String, CodingKey {
        case restic, borg
    }

    public init(from decoder: any Decoder) throws {
        if let word = try? decoder.singleValueContainer().decode(String.self) {
            switch Kind(rawValue: word) {
            case .statusFile: self = .statusFile
            case .ping: self = .ping
            default:
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown source \"\(word)\""))
            }
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let restic = try container.decodeIfPresent(ResticSource.self, forKey: .restic) {
            self = .restic(restic)
        } else {
            self = .borg(try container.decode(BorgSource.self, forKey: .borg))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .statusFile, .ping:
            var container = encoder.singleValueContainer()
            try container.encode(kind.rawValue)
        case .restic(let restic):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(restic, forKey: .restic)
        case .borg(let borg):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(borg, forKey: .borg)
        }
    }
}

/// `source: {restic: {...}}`.
public struct ResticSource: Sendable, Hashable, Codable {
    /// What restic's `--repo` takes: a path, `sftp:…`, `s3:…`, `rest:…`.
    public var repository: String
    /// The environment variable holding the repository's password (handed to restic as `RESTIC_PASSWORD`).
    public var passwordEnv: String
    /// Only snapshots made on this host (`restic snapshots --host`).
    public var host: String?
    /// Only snapshots carrying all of these tags.
    public var tags: [String]

    public init(repository: String, passwordEnv: String, host: String? = nil, tags: [String] = []) {
        self.repository = repository
        self.passwordEnv = passwordEnv
        self.host = host
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case repository
        case passwordEnv = "password_env"
        case host, tags
    }

    static let keys = CodingKeys.allCases.map(\.rawValue)
}

/// `source: {borg: {...}}`.
public struct BorgSource: Sendable, Hashable, Codable {
    /// What borg takes as the repository: a path or `ssh://…`.
    public var repository: String
    /// The environment variable holding the passphrase (handed to borg as `BORG_PASSPHRASE`).
    public var passphraseEnv: String
    /// Only archives whose names match this shell pattern (`borg list --glob-archives`).
    public var glob: String?

    public init(repository: String, passphraseEnv: String, glob: String? = nil) {
        self.repository = repository
        self.passphraseEnv = passphraseEnv
        self.glob = glob
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case repository
        case passphraseEnv = "passphrase_env"
        case glob
    }

    static let keys = CodingKeys.allCases.map(\.rawValue)
}
