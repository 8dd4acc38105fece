import Foundation
import MonitorCore

extension EmailChannel: ChannelTransport {
    func deliver(_ alert: Alert, routeName: String, with live: LiveTransport) throws(DeliveryError) {
        try EmailTransport(timeouts: live.timeouts, environment: live.environment, cancellation: live.cancellation)
            .send(alert, routeName: routeName, channel: self, now: Date())
    }

    /// "email to ops@example.com, dba@example.com".
    func describe(environment: (String) -> String?) -> String {
        "email to \(to.map(\.address).joined(separator: ", "))"
    }
}
