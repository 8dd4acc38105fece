import Foundation
import MonitorCore

/// PagerDuty's Events API v2 (`POST /v2/enqueue`, answered 202). A problem or a reminder is a
/// `trigger` whose `dedup_key` names the job and the occurrence, so a reminder joins the open
/// incident instead of opening another; a RESOLVED is a `resolve` with the `dedup_key` of the
/// occurrence it ends. `monitor notify test` triggers an `info` event and resolves it at once.
struct PagerDutySender: ServiceSender {
    let url: PagerDutyURL

    func send(_ alert: Alert, through delivery: URLDelivery) throws(DeliveryError) {
        let endpoint = delivery.origin(url.region.origin) + "/v2/enqueue"
        switch alert.event {
        case .resolved:
            try delivery.send(.json(.post, endpoint, resolve(alert)))
        case .test:
            let event = trigger(alert, routeName: delivery.routeName)
            try delivery.send(.json(.post, endpoint, event))
            try delivery.send(.json(.post, endpoint, Resolve(routingKey: url.integrationKey, dedupKey: event.dedupKey)))
        case .problem, .reminder, .agentDown:
            try delivery.send(.json(.post, endpoint, trigger(alert, routeName: delivery.routeName)))
        case .agentUp:
            try delivery.send(.json(.post, endpoint, Resolve(routingKey: url.integrationKey, dedupKey: Self.agentKey(alert))))
        }
    }

    /// One incident per host whose agent is down: AGENT_UP resolves the one AGENT_DOWN opened.
    static func agentKey(_ alert: Alert) -> String { "monitor/agent/\(alert.agent ?? "")" }

    /// `monitor/JOB/SCHEDULED_AT` of `occurrence` (the newest of a grouped MISSING); alerts about
    /// no occurrence (a corrupted version) fall back to their event and time.
    static func dedupKey(job: String, occurrence: Occurrence?, event: String, createdAt: Date) -> String {
        guard let occurrence else { return "monitor/\(job)/\(event)/\(Timestamp.string(createdAt))" }
        return "monitor/\(job)/\(Timestamp.string(occurrence.scheduledAt))"
    }

    func trigger(_ alert: Alert, routeName: String) -> Trigger {
        let message = ChatMessage(alert, routeName: routeName)
        let severity: String =
            switch alert.event {
            case .problem(let problem) where problem == .hashMismatch: "critical"
            case .problem, .reminder, .agentDown: "error"
            case .resolved, .test, .agentUp: "info"
            }
        var details = Dictionary(
            message.words.facts.filter { $0.label != "Link" }.map { ($0.label.lowercased().replacingOccurrences(of: " ", with: "_"), $0.value) }
        ) { a, _ in a }
        if let text = message.words.message { details["message"] = ChatMessage.clipped(text, to: 2_000) }
        details["route"] = routeName
        let key =
            switch alert.event {
            case .test: "monitor/test/\(routeName)/\(Timestamp.string(alert.createdAt))"
            case .agentDown, .agentUp: Self.agentKey(alert)
            default: Self.dedupKey(job: alert.job, occurrence: alert.occurrences.last, event: alert.event.rawValue, createdAt: alert.createdAt)
            }
        return Trigger(
            routingKey: url.integrationKey, dedupKey: key,
            payload: .init(
                summary: ChatMessage.clipped(message.title, to: 1_024), source: url.source ?? "monitor on \(EmailTransport.hostName())",
                severity: severity,
                component: url.component ?? (alert.job.isEmpty ? alert.agent : alert.job), group: alert.destination.isEmpty ? nil : alert.destination,
                customDetails: details),
            links: message.link.map { [Trigger.Link(href: $0, text: "Open in monitor")] } ?? [], clientURL: message.link)
    }

    func resolve(_ alert: Alert) -> Resolve {
        Resolve(
            routingKey: url.integrationKey,
            dedupKey: Self.dedupKey(
                job: alert.job, occurrence: alert.resolves ?? alert.occurrences.last, event: "RESOLVED", createdAt: alert.createdAt))
    }

    struct Trigger: Encodable {
        var routingKey: String
        var eventAction = "trigger"
        var dedupKey: String
        var payload: Payload
        var client = "monitor"
        var links: [Link]
        var clientURL: String?

        struct Payload: Encodable {
            var summary: String
            var source: String
            var severity: String
            var component: String?
            var group: String?
            var customDetails: [String: String]

            enum CodingKeys: String, CodingKey {
                case summary, source, severity, component, group
                case customDetails = "custom_details"
            }
        }

        struct Link: Encodable {
            var href: String
            var text: String
        }

        enum CodingKeys: String, CodingKey {
            case payload, client, links
            case routingKey = "routing_key"
            case eventAction = "event_action"
            case dedupKey = "dedup_key"
            case clientURL = "client_url"
        }
    }

    struct Resolve: Encodable {
        var routingKey: String
        var eventAction = "resolve"
        var dedupKey: String

        init(routingKey: String, dedupKey: String) {
            self.routingKey = routingKey
            self.dedupKey = dedupKey
        }

        enum CodingKeys: String, CodingKey {
            case routingKey = "routing_key"
            case eventAction = "event_action"
            case dedupKey = "dedup_key"
        }
    }
}
