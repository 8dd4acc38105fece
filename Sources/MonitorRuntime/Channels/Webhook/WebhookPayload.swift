import Foundation
import MonitorCore

/// The JSON body of a webhook (SPEC §6).
///
/// `generic`: `{"event","job","state","scheduled_at","window_end","message","labels","url"}`,
/// times in RFC 3339 UTC of the newest occurrence, `null` when absent, plus `occurrences` (all
/// of them, for grouped MISSING runs), `destination`, `timezone`, `description`, `route` and
/// `created_at`. `slack`: `{"text": "..."}`, a headline and the facts in Slack's mrkdwn.
enum WebhookPayload {
    static func body(_ alert: Alert, routeName: String, format: WebhookChannel.Format) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        switch format {
        case .generic: data = (try? encoder.encode(Generic(alert, routeName: routeName))) ?? Data("{}".utf8)
        case .slack: data = (try? encoder.encode(["text": slackText(alert, routeName: routeName)])) ?? Data("{}".utf8)
        }
        return Array(data)
    }

    /// The Slack message: a bold headline, then one fact per line, the status file's message
    /// quoted, and the link. User text is escaped so that it cannot ping `<!channel>`.
    static func slackText(_ alert: Alert, routeName: String) -> String {
        let words = NotificationText(alert: alert, routeName: routeName)
        var lines = ["*[monitor] \(escape(words.headline))*"]
        if alert.event == .test { lines.append(escape(words.intro)) }
        for fact in words.facts where fact.label != "Link" {
            lines.append("\(fact.label): \(escape(fact.value))")
        }
        lines += words.occurrenceLines.map { "• \(escape($0))" }
        if let message = words.message {
            lines += message.split(separator: "\n", omittingEmptySubsequences: false).prefix(20).map { "> \(escape(String($0)))" }
        }
        if let url = alert.url.map(NotificationText.singleLine), url.lowercased().hasPrefix("http") {
            // `<` `>` `|` would end Slack's link syntax; a URL never needs them unescaped.
            let safe = url.replacingOccurrences(of: "<", with: "%3C").replacingOccurrences(of: ">", with: "%3E").replacingOccurrences(
                of: "|", with: "%7C")
            lines.append("<\(safe)|Open in monitor>")
        }
        return lines.joined(separator: "\n")
    }

    /// Slack's three control characters in message text (its documented escaping).
    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    private struct Generic: Encodable {
        var alert: Alert
        var routeName: String

        init(_ alert: Alert, routeName: String) {
            self.alert = alert
            self.routeName = routeName
        }

        enum CodingKeys: String, CodingKey {
            case event, job, state, message, labels, url, occurrences, destination, timezone, description, route
            case scheduledAt = "scheduled_at"
            case windowEnd = "window_end"
            case createdAt = "created_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            let newest = alert.occurrences.last
            try container.encode(alert.event.rawValue, forKey: .event)
            try container.encode(alert.job, forKey: .job)
            try container.encode(alert.state, forKey: .state)
            // `encode` of an optional writes `null`: receivers see every key, always.
            try container.encode(newest.map { Timestamp.string($0.scheduledAt) }, forKey: .scheduledAt)
            try container.encode(newest.map { Timestamp.string($0.windowEnd) }, forKey: .windowEnd)
            try container.encode(alert.message, forKey: .message)
            try container.encode(alert.labels, forKey: .labels)
            try container.encode(alert.url, forKey: .url)
            try container.encode(alert.occurrences, forKey: .occurrences)
            try container.encode(alert.destination.isEmpty ? nil : alert.destination, forKey: .destination)
            try container.encode(alert.timezone, forKey: .timezone)
            try container.encode(alert.jobDescription, forKey: .description)
            try container.encode(routeName, forKey: .route)
            try container.encode(Timestamp.string(alert.createdAt), forKey: .createdAt)
        }
    }
}
