import Foundation
import MonitorCore

extension URLChannel: ChannelTransport {
    func deliver(_ alert: Alert, routeName: String, with live: LiveTransport) throws(DeliveryError) {
        let url = try resolve(routeName: routeName, environment: live.environment)
        let http = ServiceHTTP(timeouts: live.timeouts, cancellation: live.cancellation)
        let delivery = URLDelivery(url: url, apiURL: apiURL, routeName: routeName, http: http)
        try url.service.sender.send(alert, through: delivery)
    }

    /// "Telegram through tgram://***/-1001234567890": the service and the URL with its secrets hidden.
    func describe(environment: (String) -> String?) -> String {
        switch target {
        case .url(let url): return "\(url.serviceName) through \(url.redacted)"
        case .env(let name):
            guard let text = environment(name)?.trimmingCharacters(in: .whitespacesAndNewlines), let url = try? NotificationURL(parsing: text) else {
                return "the notification URL in $\(name)"
            }
            return "\(url.serviceName) through \(url.redacted)"
        }
    }

    /// The URL to send to: as written, or read from the environment now (never stored).
    func resolve(routeName: String, environment: (String) -> String?) throws(DeliveryError) -> NotificationURL {
        switch target {
        case .url(let url): return url
        case .env(let name):
            guard let text = environment(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                throw .missingVariable(name, purpose: "the notification URL of route \(routeName)")
            }
            do { return try NotificationURL(parsing: text) } catch {
                // The URL is not quoted: it holds a secret. The position says where to look.
                throw DeliveryError(
                    "the notification URL in environment variable \(name) \(error.message) (character \(error.offset + 1)); fix the variable and restart",
                    retryable: false)
            }
        }
    }
}

/// What a service's sender needs for one delivery: the URL, where requests go, and the one way to
/// send a request and judge its answer.
struct URLDelivery {
    let url: NotificationURL
    /// `api_url`, without a trailing `/`, replacing the service's origin.
    let apiURL: String?
    let routeName: String
    let http: ServiceHTTP

    /// `apiURL` when set, else the service's own origin.
    func origin(_ serviceOrigin: String) -> String { apiURL ?? serviceOrigin }

    /// Sends `request` and returns the answer when it is 2xx; throws the judged failure
    /// otherwise, every secret of the URL hidden.
    @discardableResult
    func send(_ request: ServiceRequest) throws(DeliveryError) -> ServiceAnswer {
        let secrets = url.secrets
        let server = Self.server(of: request.url)
        let answer: ServiceAnswer
        do throws(CurlError) {
            answer = try http.perform(request)
        } catch {
            let failure =
                error.commonMessage(server: server.address, host: server.host, timeouts: http.timeouts)
                ?? DeliveryError("\(url.serviceName) at \(server.address) failed: \(error.summary)", retryable: true)
            throw ServiceFailure.redacted(failure, secrets: secrets)
        }
        if let failure = ServiceFailure.judge(
            answer, service: url.serviceName, secretName: url.secretName, origin: server.address, secrets: secrets)
        {
            throw failure
        }
        return answer
    }

    /// `host` and `host:port` of a request URL, for messages (never its path: it may hold a token).
    static func server(of url: String) -> (host: String, address: String) {
        guard let components = URLComponents(string: url), let host = components.host else { return ("the server", "the server") }
        let port = components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
        return (host, host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
    }
}

/// One service's way of turning an alert into requests (`Services/`).
protocol ServiceSender {
    func send(_ alert: Alert, through delivery: URLDelivery) throws(DeliveryError)
}

extension NotificationURL.Service {
    /// The service's sender: MonitorRuntime's half of the list of services
    /// (`MonitorCore/Channels/URL/NotificationURL.swift` is the other). An exhaustive switch, so
    /// that a new service does not compile until its request is written.
    var sender: any ServiceSender {
        switch self {
        case .ntfy(let url): NtfySender(url: url)
        case .gotify(let url): GotifySender(url: url)
        case .telegram(let url): TelegramSender(url: url)
        case .discord(let url): DiscordSender(url: url)
        case .pushover(let url): PushoverSender(url: url)
        case .matrix(let url): MatrixSender(url: url)
        case .pagerDuty(let url): PagerDutySender(url: url)
        case .workflows(let url): WorkflowsSender(url: url)
        }
    }
}
