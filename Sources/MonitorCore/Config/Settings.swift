/// `settings:`; every key is optional and has a default.
public struct Settings: Sendable, Hashable, Codable {
    /// Where the state lives: the absolute path of an SQLite file, or a PostgreSQL URL
    /// (`postgres://USER@HOST[:PORT]/DATABASE`, without a password) kept as written.
    public var state: String
    public var scanInterval: TimeSpan
    /// IANA name of the default timezone of jobs.
    public var timezone: String
    /// `host:port` that `monitor run` listens on.
    public var listen: ListenAddress
    public var publicURL: String?
    /// Name of the environment variable that holds the API token; never the token itself.
    public var apiTokenEnv: String?
    /// Name of the environment variable that holds the key of the ping routes (SPEC §13); without
    /// one they answer 404. Never the key itself.
    public var pingKeyEnv: String?
    /// The restic and borg programs that `source: restic` and `source: borg` run (SPEC §13): a
    /// name looked up in `PATH`, or a path. `nil` means `restic` / `borg` from `PATH`.
    public var resticCommand: String?
    public var borgCommand: String?
    /// `settings.scrub`, when the configuration sets it (``scrubSettings`` gives the defaults
    /// otherwise); optional so that the stored form of a configuration without it is unchanged.
    public var scrub: ScrubSettings?
    /// Name of the environment variable that holds the password of a PostgreSQL state, when the
    /// configuration names one (``statePasswordVariable`` gives the default). Never the password.
    public var statePasswordEnv: String?
    /// The machine that holds destinations without their own `host` (SPEC §12).
    public var defaultHost: String?

    public static let defaultScanInterval = TimeSpan(seconds: 15 * 60)
    public static let defaultTimezone = "UTC"
    public static let defaultListen = ListenAddress(host: "127.0.0.1", port: 8080)
    public static let defaultStateFileName = "state.sqlite"
    /// The variable libpq's own tools read the password from, so a shell set up for `psql` works.
    public static let defaultStatePasswordVariable = "PGPASSWORD"

    public init(
        state: String, scanInterval: TimeSpan = Settings.defaultScanInterval,
        timezone: String = Settings.defaultTimezone, listen: ListenAddress = Settings.defaultListen,
        publicURL: String? = nil, apiTokenEnv: String? = nil, scrub: ScrubSettings? = nil,
        statePasswordEnv: String? = nil, defaultHost: String? = nil
    ) {
        self.state = state
        self.scanInterval = scanInterval
        self.timezone = timezone
        self.listen = listen
        self.publicURL = publicURL
        self.apiTokenEnv = apiTokenEnv
        self.scrub = scrub
        self.statePasswordEnv = statePasswordEnv
        self.defaultHost = defaultHost
    }

    /// The scrub as configured, or its defaults (`every: 30d, budget: 2m`).
    public var scrubSettings: ScrubSettings { scrub ?? .default }

    /// The variable holding the password of a PostgreSQL state: `state_password_env`, or `PGPASSWORD`.
    public var statePasswordVariable: String { statePasswordEnv ?? Self.defaultStatePasswordVariable }

    /// Whether the state is a PostgreSQL database rather than an SQLite file.
    public var stateIsPostgres: Bool { PostgresLocation.isPostgres(state) }

    enum CodingKeys: String, CodingKey {
        case state
        case scanInterval = "scan_interval"
        case timezone
        case listen
        case publicURL = "public_url"
        case apiTokenEnv = "api_token_env"
        case pingKeyEnv = "ping_key_env"
        case resticCommand = "restic_command"
        case borgCommand = "borg_command"
        case scrub
        case statePasswordEnv = "state_password_env"
        case defaultHost = "default_host"
    }
}

/// `host:port`, with IPv6 hosts in brackets (`[::1]:8080`).
public struct ListenAddress: Sendable, Hashable, TextCodable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws(ListenAddressParseError) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .init("invalid listen address \"\(text)\": missing \"]\" after the IPv6 address")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .init("invalid listen address \"\(text)\": expected \":PORT\" after \"]\"") }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                let example =
                    !text.isEmpty && text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-".contains($0)) })
                    ? "\(text):8080" : "127.0.0.1:8080"
                throw .init("invalid listen address \"\(text)\": expected HOST:PORT, e.g. \(example)")
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            if hostPart.contains(":") { throw .init("invalid listen address \"\(text)\": write IPv6 hosts in brackets, e.g. [::1]:8080") }
        }
        guard !hostPart.isEmpty else {
            throw .init("invalid listen address \"\(text)\": the host is missing (e.g. 127.0.0.1:8080, or 0.0.0.0:8080 for every interface)")
        }
        guard hostPart.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:".contains($0)) }) else {
            throw .init("invalid listen address \"\(text)\": \"\(hostPart)\" is not a host name or IP address")
        }
        guard let port = Int(portPart), (1...65_535).contains(port) else {
            throw .init("invalid listen address \"\(text)\": the port must be a number from 1 to 65535")
        }
        self.host = String(hostPart)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

}

public struct ListenAddressParseError: Error, Sendable, Equatable {
    public let message: String
    init(_ message: String) { self.message = message }
}
