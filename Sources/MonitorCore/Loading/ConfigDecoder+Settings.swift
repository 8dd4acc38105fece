import Foundation
import Yams

enum SettingsDecoding {
    static let keys = ["state", "scan_interval", "timezone", "listen", "public_url", "api_token_env"]
    static let hints: [String: String] = ["path": "to a destination", "window": "to a job", "schedule": "to a job"]
    /// Scanning more often than this only loads the disks.
    static let minimumScanInterval = TimeSpan(seconds: 10)
}

extension ConfigDecoder {
    func decodeSettings(_ entries: [String: Declaration], defaultStateFolder: String) -> Settings? {
        var settings = Settings(state: (defaultStateFolder as NSString).appendingPathComponent(Settings.defaultStateFileName))
        var valid = true
        func read<T>(_ key: String, _ decode: (Node, YAMLDocument) -> T?, apply: (T) -> Void) {
            guard let declaration = entries[key] else { return }
            if let value = decode(declaration.value, declaration.document) { apply(value) } else { valid = false }
        }
        read("state", { node, document in
            reader.string(node, in: document, what: "settings.state").map { resolve($0, declaredIn: document) }
        }) { settings.state = $0 }
        read("scan_interval", { (node: Node, document: YAMLDocument) -> TimeSpan? in
            guard let span = reader.duration(node, in: document, what: "settings.scan_interval") else { return nil }
            guard span >= SettingsDecoding.minimumScanInterval else {
                reader.error("settings.scan_interval must be at least \(SettingsDecoding.minimumScanInterval), found \(span)", at: document.location(of: node))
                return nil
            }
            return span
        }) { settings.scanInterval = $0 }
        read("timezone", { node, document in timezone(node, in: document, what: "settings.timezone") }) { settings.timezone = $0 }
        read("listen", { (node: Node, document: YAMLDocument) -> ListenAddress? in
            guard let text = reader.string(node, in: document, what: "settings.listen") else { return nil }
            do { return try ListenAddress(parsing: text) } catch let error as ListenAddressParseError {
                reader.error("settings.listen: \(error.message)", at: document.location(of: node))
                return nil
            } catch {
                return nil
            }
        }) { settings.listen = $0 }
        read("public_url", { node, document in
            webURL(node, in: document, what: "settings.public_url")
        }) { settings.publicURL = $0 }
        read("api_token_env", { node, document in
            reader.environmentVariable(node, in: document, what: "settings.api_token_env", purpose: "the API token")
        }) { settings.apiTokenEnv = $0 }
        return valid ? settings : nil
    }

    /// An IANA timezone name known to this system, with a suggestion when it is misspelt.
    func timezone(_ node: Node, in document: YAMLDocument, what: String) -> String? {
        guard let name = reader.string(node, in: document, what: what) else { return nil }
        if TimeZoneNames.isKnown(name) { return name }
        reader.error("unknown timezone \"\(name)\" in \(what); use an IANA name such as Europe/Paris or UTC\(Suggestion.didYouMean(name, in: TimeZoneNames.all))",
                     at: document.location(of: node))
        return nil
    }

    /// An absolute `http://` or `https://` URL with a host.
    func webURL(_ node: Node, in document: YAMLDocument, what: String) -> String? {
        guard let text = reader.string(node, in: document, what: what) else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            reader.error("\(what) must be an http:// or https:// URL, found \"\(text)\"", at: document.location(of: node))
            return nil
        }
        return text
    }
}

/// IANA timezone names, looked up once.
enum TimeZoneNames {
    static let all: [String] = TimeZone.knownTimeZoneIdentifiers
    private static let known = Set(all)

    static func isKnown(_ name: String) -> Bool {
        // Foundation calls UTC "GMT" and turns "GMT+2" into "GMT+0200": accept tz database names only.
        guard let zone = TimeZone(identifier: name) else { return false }
        return known.contains(name) || name == "UTC" || zone.identifier == name
    }
}
