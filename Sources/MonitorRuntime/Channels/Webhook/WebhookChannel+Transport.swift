import MonitorCore

extension WebhookChannel: ChannelTransport {
    func deliver(_ alert: Alert, routeName: String, with live: LiveTransport) throws(DeliveryError) {
        try WebhookTransport(timeouts: live.timeouts, environment: live.environment, cancellation: live.cancellation)
            .send(alert, routeName: routeName, channel: self)
    }

    /// "slack webhook at hooks.slack.com": the host only, as a webhook URL may hold a token.
    func describe(environment: (String) -> String?) -> String {
        switch target {
        case .url(let url):
            return "\(format.rawValue) webhook at \(WebhookTransport.host(of: url) ?? "an invalid URL")"
        case .env(let name):
            let host = environment(name).flatMap(WebhookTransport.host(of:))
            return "\(format.rawValue) webhook at \(host ?? "the URL in $\(name)")"
        }
    }
}
