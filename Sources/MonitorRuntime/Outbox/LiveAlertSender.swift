import MonitorCore

/// The production sender of the outbox: e-mail through libcurl, or a webhook POST.
public struct LiveAlertSender: AlertSender {
    let transport: LiveTransport

    public init(transport: LiveTransport = LiveTransport()) {
        self.transport = transport
    }

    public func send(_ alert: Alert, through route: AlertRoute, settings: Settings) -> DeliveryOutcome {
        do {
            try transport.deliver(alert, route: route, settings: settings)
            return .delivered
        } catch {
            return .failed(message: error.message, retryable: error.retryable)
        }
    }
}
