/// `pagerduty://INTEGRATION_KEY@API_KEY[/SOURCE[/COMPONENT]][?region=us|eu]`: Apprise's grammar.
/// Events API v2 needs only the integration (routing) key; the API key is read, as Apprise
/// requires it, and never sent.
public struct PagerDutyURL: NotificationServiceURL {
    static let name = "PagerDuty"
    static let schemes = ["pagerduty"]
    static let example = "pagerduty://R0UT1NGKEY0123456789ABCDEFGHIJKL@APIKEY0123"

    public var integrationKey: String
    public var apiKey: String
    public var source: String?
    public var component: String?
    public var region: Region

    public enum Region: String, Sendable, Hashable, CaseIterable {
        case us, eu

        /// The Events API's origin for the region.
        public var origin: String { self == .eu ? "https://events.eu.pagerduty.com" : "https://events.pagerduty.com" }
    }

    var service: NotificationURL.Service { .pagerDuty(self) }
    var secrets: [String] { [integrationKey, apiKey] }
    var secretName: String { "its integration key" }
    var fields: [String: String] {
        ["integration_key": integrationKey, "apikey": apiKey, "source": source ?? "", "component": component ?? "", "region": region.rawValue]
    }

    static func read(_ pieces: URLPieces) throws(NotificationURLProblem) -> PagerDutyURL {
        let options = try pieces.options(allowed: ["region"], service: name)
        guard let key = pieces.user else {
            throw NotificationURLProblem("has no integration key; write pagerduty://INTEGRATION_KEY@API_KEY", at: pieces.authority.offset)
        }
        if let password = pieces.password {
            throw NotificationURLProblem("has \":\" in the integration key; write pagerduty://INTEGRATION_KEY@API_KEY", at: password.offset - 1)
        }
        try key.require("integration key", example: example)
        try pieces.host.require("API key", extra: "_-+", example: example)
        if pieces.path.count > 2 {
            throw NotificationURLProblem("has more than a source and a component after the keys", at: pieces.path[2].offset)
        }
        var region = Region.us
        if let value = options["region"] {
            guard let chosen = Region(rawValue: value.text.lowercased()) else {
                throw NotificationURLProblem("has region=\(value.text); PagerDuty's regions are us and eu", at: value.offset)
            }
            region = chosen
        }
        return PagerDutyURL(
            integrationKey: key.text, apiKey: pieces.host.text, source: pieces.path.first?.text, component: pieces.path.dropFirst().first?.text,
            region: region)
    }
}
