import Foundation
import Yams

enum SettingsDecoding {
    static let keys = [
        "state", "scan_interval", "timezone", "listen", "public_url", "api_token_env", "ping_key_env", "restic_command", "borg_command", "scrub",
        "state_password_env", "default_host",
    ]
    static let scrubKeys = ["every", "budget"]
    static let hints: [String: String] = ["path": "to a destination", "window": "to a job", "schedule": "to a job"]
    static let instead: [String: String] = [
        "api_token": "write api_token_env: VARIABLE, the name of an environment variable holding the token; the secret itself never goes in YAML",
        "token": "write api_token_env: VARIABLE, the name of an environment variable holding the token; the secret itself never goes in YAML",
        "state_password":
            "write state_password_env: VARIABLE, the name of an environment variable holding the password; the secret itself never goes in YAML",
        "password":
            "write state_password_env: VARIABLE, the name of an environment variable holding the password; the secret itself never goes in YAML",
        "host": "destinations take a host each (destinations.NAME.host); write default_host: HOSTNAME for those without one",
    ]
    /// Scanning more often than this only loads the disks.
    static let minimumScanInterval = TimeSpan(seconds: 10)
}

extension ConfigDecoder {
    func decodeSettings(_ entries: [String: Declaration], defaultStateFolder: String) -> Settings? {
        var settings = Settings(state: (defaultStateFolder as NSString).appendingPathComponent(Settings.defaultStateFileName))
        var valid = true
        // A key that does not decode makes the settings invalid; its problem is already reported.
        func decoded<T>(_ key: String, _ decode: (Node, YAMLDocument) -> T?) -> T? {
            guard let declaration = entries[key] else { return nil }
            let value = decode(declaration.value, declaration.document)
            if value == nil { valid = false }
            return value
        }
        /// A setting with a default, replaced when written.
        func read<T>(_ key: String, replacing path: WritableKeyPath<Settings, T>, _ decode: (Node, YAMLDocument) -> T?) {
            if let value = decoded(key, decode) { settings[keyPath: path] = value }
        }
        /// An optional setting.
        func read<T>(_ key: String, into path: WritableKeyPath<Settings, T?>, _ decode: (Node, YAMLDocument) -> T?) {
            if let value = decoded(key, decode) { settings[keyPath: path] = value }
        }
        read("state", replacing: \.state) { node, document in state(node, in: document) }
        read("scan_interval", replacing: \.scanInterval) { (node: Node, document: YAMLDocument) -> TimeSpan? in
            guard let span = reader.duration(node, in: document, what: "settings.scan_interval") else { return nil }
            guard span >= SettingsDecoding.minimumScanInterval else {
                reader.error(
                    "settings.scan_interval must be at least \(SettingsDecoding.minimumScanInterval), found \(span)",
                    at: document.location(of: node))
                return nil
            }
            return span
        }
        read("timezone", replacing: \.timezone) { node, document in timezone(node, in: document, what: "settings.timezone") }
        read("listen", replacing: \.listen) { (node: Node, document: YAMLDocument) -> ListenAddress? in
            guard let text = reader.string(node, in: document, what: "settings.listen", expected: "an address such as 127.0.0.1:8080") else {
                return nil
            }
            do { return try ListenAddress(parsing: text) } catch let error as ListenAddressParseError {
                reader.error("settings.listen: \(error.message)", at: document.location(of: node))
                return nil
            } catch {
                return nil
            }
        }
        read("public_url", into: \.publicURL) { node, document in
            webURL(node, in: document, what: "settings.public_url")
        }
        read("api_token_env", into: \.apiTokenEnv) { node, document in
            reader.environmentVariable(node, in: document, what: "settings.api_token_env", purpose: "the API token")
        }
        read("ping_key_env", into: \.pingKeyEnv) { node, document in
            reader.environmentVariable(node, in: document, what: "settings.ping_key_env", purpose: "the key of the ping routes")
        }
        read("restic_command", into: \.resticCommand) { node, document in
            command(node, in: document, what: "settings.restic_command", tool: "restic")
        }
        read("borg_command", into: \.borgCommand) { node, document in command(node, in: document, what: "settings.borg_command", tool: "borg") }
        read("scrub", into: \.scrub) { node, document in decodeScrub(node, in: document) }
        read("state_password_env", into: \.statePasswordEnv) { node, document in
            reader.environmentVariable(node, in: document, what: "settings.state_password_env", purpose: "the password of the PostgreSQL state")
        }
        read("default_host", into: \.defaultHost) { node, document in hostName(node, in: document, what: "settings.default_host") }
        return valid ? settings : nil
    }

    /// `settings.state`: a PostgreSQL URL, kept as written, or a file path, resolved against the
    /// folder of the file that sets it. A URL is never quoted back: it may carry a password.
    func state(_ node: Node, in document: YAMLDocument) -> String? {
        guard
            let text = reader.string(
                node, in: document, what: "settings.state", expected: "a file path such as state/monitor.sqlite, or a postgres:// URL")
        else { return nil }
        if PostgresLocation.isPostgres(text) {
            switch PostgresLocation.parse(text) {
            case .success: return text
            case .failure(let error):
                reader.error("settings.state is not a usable PostgreSQL URL: \(error)", at: document.location(of: node))
                return nil
            }
        }
        if let scheme = text.firstMatch(of: /^([A-Za-z][A-Za-z0-9+.-]*):\/\//)?.1 {
            reader.error(
                "settings.state must be a file path or a postgres:// URL, found a \(scheme):// URL; "
                    + "write postgres://USER@HOST[:PORT]/DATABASE for a PostgreSQL state",
                at: document.location(of: node))
            return nil
        }
        return resolve(text, declaredIn: document)
    }

    /// The name of a machine (`settings.default_host`, `destinations.NAME.host`).
    func hostName(_ node: Node, in document: YAMLDocument, what: String) -> String? {
        guard let text = reader.string(node, in: document, what: what, expected: "a host name such as backup-01") else { return nil }
        if let problem = HostName.problem(with: text) {
            reader.error(
                "\(what) must be a host name, found \"\(text.count > 60 ? text.prefix(57) + "..." : text)\": \(problem)",
                at: document.location(of: node))
            return nil
        }
        return text
    }

    /// `scrub: {every: 30d, budget: 2m}`; both keys optional. A budget of `0` turns the scrub
    /// off, which `check` points out: nothing then notices a kept version rotting on disk.
    func decodeScrub(_ node: Node, in document: YAMLDocument) -> ScrubSettings? {
        guard let entries = reader.mapping(node, in: document, what: "settings.scrub", allowed: SettingsDecoding.scrubKeys) else {
            return nil
        }
        var scrub = ScrubSettings.default
        var valid = true
        if let every = entries["every"] {
            if let span = reader.duration(every, in: document, what: "settings.scrub.every") { scrub.every = span } else { valid = false }
        }
        if let budget = entries["budget"] {
            if case .scalar(let scalar) = budget, ScrubSettings.isZero(scalar.string) {
                scrub.budget = nil
                reader.warning(
                    "settings.scrub.budget is 0: the scrub is off, so a kept version that changes on disk goes unnoticed "
                        + "until `monitor verify` runs; give it a budget such as 2m to have monitor run re-read versions",
                    at: document.location(of: budget))
            } else if let span = reader.duration(budget, in: document, what: "settings.scrub.budget") {
                scrub.budget = span
            } else {
                valid = false
            }
        }
        return valid ? scrub : nil
    }

    /// A program to run: a name looked up in `PATH` (`restic`), or a path (absolute, or relative to
    /// the declaring file's folder). Never a command line: arguments are monitor's own.
    func command(_ node: Node, in document: YAMLDocument, what: String, tool: String) -> String? {
        guard let text = reader.string(node, in: document, what: what, expected: "a program name or path such as /usr/bin/\(tool)") else {
            return nil
        }
        // A path may hold a space (`/opt/My Tools/restic`); a name with one is a command line.
        guard text.contains("/") || !text.contains(where: \.isWhitespace) else {
            reader.error(
                "\(what) names one program, found \"\(text)\"; monitor passes \(tool)'s arguments itself, so write the path of the program alone",
                at: document.location(of: node))
            return nil
        }
        guard text.contains("/") else {
            reader.refer(to: .command(name: text, purpose: what, location: document.location(of: node)))
            return text
        }
        let path = resolve(text, declaredIn: document)
        reader.refer(to: .command(name: path, purpose: what, location: document.location(of: node)))
        return path
    }

    /// An IANA timezone name known to this system, with a suggestion when it is misspelt.
    func timezone(_ node: Node, in document: YAMLDocument, what: String) -> String? {
        guard let name = reader.string(node, in: document, what: what, expected: "an IANA timezone name such as Europe/Paris or UTC") else {
            return nil
        }
        if TimeZoneNames.isKnown(name) { return name }
        reader.error(
            "\(what): unknown timezone \"\(name)\"; use an IANA name such as Europe/Paris or UTC\(TimeZoneNames.hint(for: name))",
            at: document.location(of: node))
        return nil
    }

    /// An absolute `http://` or `https://` URL with a host.
    func webURL(_ node: Node, in document: YAMLDocument, what: String) -> String? {
        guard let text = reader.string(node, in: document, what: what, expected: "an http:// or https:// URL") else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            let fix = text.contains("://") ? "" : "; write https://\(text)"
            reader.error("\(what) must be an http:// or https:// URL, found \"\(text)\"\(fix)", at: document.location(of: node))
            return nil
        }
        return text
    }
}

/// IANA timezone names, looked up once.
enum TimeZoneNames {
    static let all: [String] = TimeZone.knownTimeZoneIdentifiers
    private static let known = Set(all)

    /// ` (did you mean "Asia/Tokyo"?)` for a typo, a bare city, an abbreviation or a fixed offset; or "".
    static func hint(for name: String) -> String {
        if let close = Suggestion.closest(to: name, in: all) { return " (did you mean \"\(close)\"?)" }
        let city = name.lowercased().replacingOccurrences(of: " ", with: "_")
        if let zone = all.first(where: { $0.lowercased().hasSuffix("/" + city) }) { return " (did you mean \"\(zone)\"?)" }
        if let match = name.wholeMatch(of: /(?i)(?:UTC|GMT)([+-])(\d{1,2})/), let hours = Int(match.2), hours > 0, hours <= 14 {
            // The tz database names fixed offsets POSIX-style, with the sign reversed.
            let zone = "Etc/GMT\(match.1 == "+" ? "-" : "+")\(hours)"
            if isKnown(zone) { return " (a fixed offset is written \"\(zone)\", sign reversed; a city name also follows daylight saving)" }
        }
        if name.count <= 5, name.allSatisfy(\.isUppercase), let zone = TimeZone(abbreviation: name)?.identifier, isKnown(zone), !zone.hasPrefix("GMT")
        {
            return " (abbreviations are ambiguous; did you mean \"\(zone)\"?)"
        }
        return ""
    }

    static func isKnown(_ name: String) -> Bool {
        // Foundation calls UTC "GMT" and turns "GMT+2" into "GMT+0200": accept tz database names only.
        guard let zone = TimeZone(identifier: name) else { return false }
        return known.contains(name) || name == "UTC" || zone.identifier == name
    }
}
