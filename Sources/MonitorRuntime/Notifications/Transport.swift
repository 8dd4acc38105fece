import Foundation
import MonitorCore

/// Delivers one notification through one route: ``LiveTransport`` in production, a recorder
/// in tests of the outbox.
///
/// Synchronous on purpose: libcurl's easy interface blocks the calling thread, the outbox's
/// `monitor scan` pass is synchronous, and an `async` wrapper that blocked a cooperative
/// thread for up to the total timeout would starve a two-core daemon. Async callers use
/// ``LiveTransport/deliverOnOwnThread(_:route:settings:)``.
public protocol NotificationTransport: Sendable {
    /// Returns when the far side accepted the notification; throws what went wrong otherwise.
    func deliver(_ alert: Alert, route: AlertRoute, settings: Settings) throws(DeliveryError)
}

/// Each route through its channel's transport (`Channels/ChannelTransport.swift`): e-mail through
/// SMTP, a webhook through HTTP. Secrets named by `password_env` and `url_env` are read from the
/// environment at each attempt.
public struct LiveTransport: NotificationTransport {
    public var timeouts: DeliveryTimeouts
    /// Reads an environment variable; the process environment unless a test says otherwise.
    public var environment: @Sendable (String) -> String?
    /// Checked during transfers; set it to abort them (e.g. when the daemon stops).
    public var cancellation: DeliveryCancellation?

    public init(
        timeouts: DeliveryTimeouts = .standard,
        environment: @escaping @Sendable (String) -> String? = { ProcessInfo.processInfo.environment[$0] },
        cancellation: DeliveryCancellation? = nil
    ) {
        self.timeouts = timeouts
        self.environment = environment
        self.cancellation = cancellation
    }

    public func deliver(_ alert: Alert, route: AlertRoute, settings: Settings) throws(DeliveryError) {
        try route.channel.transport.deliver(alert, routeName: route.name, with: self)
    }

    /// ``deliver(_:route:settings:)`` on a thread of its own, so that the blocking transfer
    /// never occupies one of Swift concurrency's few cooperative threads. Cancelling the calling
    /// task aborts the transfer within about a second (a retryable ``DeliveryError``).
    public func deliverOnOwnThread(_ alert: Alert, route: AlertRoute, settings: Settings) async throws(DeliveryError) {
        let cancellation = DeliveryCancellation()
        let transport = LiveTransport(timeouts: timeouts, environment: environment, cancellation: cancellation)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, DeliveryError>, Never>) in
                let thread = Thread {
                    continuation.resume(
                        returning: Result { () throws(DeliveryError) in
                            try transport.deliver(alert, route: route, settings: settings)
                        })
                }
                thread.name = "monitor-delivery"
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
        try result.get()
    }

    /// How the route reaches people, for messages: "email to ops@example.com", "slack webhook
    /// at hooks.slack.com" (the host only: a webhook URL may hold a token).
    public static func describe(_ route: AlertRoute, environment: (String) -> String? = { ProcessInfo.processInfo.environment[$0] }) -> String {
        route.channel.transport.describe(environment: environment)
    }
}
