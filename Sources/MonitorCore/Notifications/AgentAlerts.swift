import Foundation

/// The notifications about an agent that went down or came back (SPEC §12): one per route that
/// hears MISSING for at least one job of the agent's host — AGENT_DOWN and AGENT_UP follow
/// MISSING, as RESOLVED follows the problems. Pure: the store writes them in the transaction
/// that records the agent's change, under keys that make a second copy impossible.
public enum AgentAlerts {
    /// - Parameters:
    ///   - since: when the agent was found down (the same instant for its AGENT_UP), which makes
    ///     each outage's notifications distinct from the next one's.
    ///   - jobs: the active jobs whose destinations the host holds.
    public static func items(
        _ event: NotificationEvent, host: String, since: Date, jobs: [Job], routes: [AlertRoute], message: String, now: Date
    ) -> [OutboxItem] {
        var hearing: [String] = []
        for route in routes where route.on.contains(.missing) && !hearing.contains(route.name) {
            if jobs.contains(where: { !AlertRoute.reaching($0, among: [route]).isEmpty }) { hearing.append(route.name) }
        }
        return hearing.map { route in
            var alert = Alert(
                event: event, job: "", state: event.rawValue, occurrences: [], message: message, labels: [:], destination: "",
                timezone: "UTC", jobDescription: nil, url: nil, createdAt: now)
            alert.agent = host
            return OutboxItem(route: route, dedupKey: "agent/\(host)/\(route)/\(event.rawValue)/\(Timestamp.string(since))", alert: alert)
        }
    }
}
