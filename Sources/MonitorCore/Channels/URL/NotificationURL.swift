/// One notification URL in Apprise's grammar (`ntfys://ntfy.sh/backups`, `tgram://TOKEN/CHAT`...),
/// read and checked: which service it names and that service's fields.
///
/// Equal when written the same: the parsed fields follow from the text.
public struct NotificationURL: Sendable, Hashable, CustomStringConvertible {
    /// As written in YAML or in the environment variable.
    public let text: String
    public let service: Service

    /// Reads `text`, or says what is wrong and at which character.
    public init(parsing text: String) throws(NotificationURLProblem) {
        let pieces = try URLPieces.cut(text)
        if pieces.scheme == "http" || pieces.scheme == "https" {
            throw NotificationURLProblem(
                "is an \(pieces.scheme):// URL, not a notification URL; an endpoint that takes monitor's JSON is a webhook: write it under \"webhook:\"",
                at: 0)
        }
        guard let kind = NotificationServices.all.first(where: { $0.schemes.contains(pieces.scheme) }) else {
            let schemes = NotificationServices.all.flatMap { $0.schemes }.map { "\($0)://" }
            let suggestion =
                Suggestion.closest(to: pieces.scheme, in: NotificationServices.all.flatMap { $0.schemes }).map { "did you mean \"\($0)://\"? " } ?? ""
            throw NotificationURLProblem(
                "has the scheme \"\(pieces.scheme)://\", which monitor does not know; \(suggestion)known: \(schemes.joined(separator: ", "))", at: 0)
        }
        self.text = text
        service = try kind.readService(pieces).get()
    }

    /// The values that must never reach a log, an error or an answer (tokens, passwords, keys).
    public var secrets: [String] { service.fields.secrets.filter { !$0.isEmpty } }

    /// Whether the URL itself holds a secret: then it belongs in an environment variable (`url_env`).
    public var holdsSecret: Bool { !secrets.isEmpty }

    /// What its secrets are, for messages that must not show them: "its bot token".
    public var secretName: String { service.fields.secretName }

    /// The service's name in messages ("ntfy", "Telegram").
    public var serviceName: String { type(of: service.fields).name }

    /// The URL with every secret replaced by `***`: what logs and messages may show.
    public var redacted: String { Self.redact(text, secrets: secrets) }

    public var description: String { redacted }

    /// `text` with each of `secrets` (and its percent-encoded form) replaced by `***`; longest
    /// first, so that a secret containing another is hidden whole.
    public static func redact(_ text: String, secrets: [String]) -> String {
        var result = text
        for secret in secrets.filter({ $0.count >= 3 }).sorted(by: { $0.count > $1.count }) {
            result = result.replacingOccurrences(of: secret, with: "***")
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
                result = result.replacingOccurrences(of: encoded, with: "***")
            }
        }
        return result
    }
}

/// What every service's URL brings: its schemes, its reading of the URL's pieces, its secrets.
protocol NotificationServiceURL: Sendable, Hashable {
    /// The service's name in messages: "ntfy", "Telegram".
    static var name: String { get }
    /// Lowercased schemes, without `://`: `["ntfy", "ntfys"]`.
    static var schemes: [String] { get }
    /// A valid URL, for documentation and tests.
    static var example: String { get }
    /// Reads and checks the pieces, or says where the URL is wrong.
    static func read(_ pieces: URLPieces) throws(NotificationURLProblem) -> Self
    /// This value as a ``NotificationURL/Service``.
    var service: NotificationURL.Service { get }
    /// The values to hide.
    var secrets: [String] { get }
    /// What they are, for messages that must not show them: "its bot token".
    var secretName: String { get }
    /// The fields Apprise also reads from the URL, by Apprise's names (its test oracle compares them).
    var fields: [String: String] { get }
}

extension NotificationServiceURL {
    /// ``read(_:)`` as a ``NotificationURL/Service``, for callers holding the type as an existential
    /// (a `Result`: typed throws through an opened existential crash Swift 6.3's SIL generation).
    static func readService(_ pieces: URLPieces) -> Result<NotificationURL.Service, NotificationURLProblem> {
        do { return .success(try read(pieces).service) } catch { return .failure(error) }
    }
}

/// Every service, listed once. Adding one: its file in `Services/` conforming to
/// ``NotificationServiceURL``, its case in ``NotificationURL/Service`` and ``NotificationURL/Service/fields``,
/// its line here, and its request in `MonitorRuntime/Channels/URL/Services/`.
enum NotificationServices {
    static let all: [any NotificationServiceURL.Type] = [
        NtfyURL.self, GotifyURL.self, TelegramURL.self, DiscordURL.self, PushoverURL.self, MatrixURL.self, PagerDutyURL.self,
        WorkflowsURL.self,
    ]
}

extension NotificationURL {
    /// The service a URL names, with its fields.
    public enum Service: Sendable, Hashable {
        case ntfy(NtfyURL)
        case gotify(GotifyURL)
        case telegram(TelegramURL)
        case discord(DiscordURL)
        case pushover(PushoverURL)
        case matrix(MatrixURL)
        case pagerDuty(PagerDutyURL)
        case workflows(WorkflowsURL)

        /// The value inside, as a service URL: the one switch over services in MonitorCore.
        var fields: any NotificationServiceURL {
            switch self {
            case .ntfy(let url): url
            case .gotify(let url): url
            case .telegram(let url): url
            case .discord(let url): url
            case .pushover(let url): url
            case .matrix(let url): url
            case .pagerDuty(let url): url
            case .workflows(let url): url
            }
        }
    }

    /// The fields Apprise also reads from this URL, plus `service` (the test oracle's shape).
    var oracleFields: [String: String] {
        service.fields.fields.merging(["service": type(of: service.fields).name]) { a, _ in a }
    }
}

extension NotificationURL {
    /// `scheme://host[:port]` for messages and requests: the port only when it is not the scheme's own.
    static func origin(secure: Bool, host: String, port: Int?) -> String {
        let scheme = secure ? "https" : "http"
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        guard let port, port != (secure ? 443 : 80) else { return "\(scheme)://\(bracketed)" }
        return "\(scheme)://\(bracketed):\(port)"
    }
}
