import Foundation
import MonitorCore

/// The words of a notification, shared by the e-mail (subject, plain text, HTML) and the Slack
/// webhook so that every channel says the same thing. Pure: no clock, no environment.
struct NotificationText {
    let alert: Alert
    let routeName: String

    private var job: String { Self.singleLine(alert.job) }
    private var agent: String { Self.singleLine(alert.agent ?? "") }
    private var occurrences: [Occurrence] { alert.occurrences }

    /// "FAILED postgres-prod — 2026-11-24 02:00 Europe/Paris": the subject without its prefix.
    var headline: String {
        let event = alert.event
        let first = occurrences.first.map { time($0.scheduledAt) }
        let last = occurrences.last.map { time($0.scheduledAt) }
        switch event {
        case .test:
            return "TEST message through route \(Self.singleLine(routeName)) — not an alert"
        case .resolved:
            return "RESOLVED \(job) — back to \(Self.singleLine(alert.state))" + (last.map { ", \($0)" } ?? "")
        case .reminder:
            return "REMINDER \(job) still \(Self.singleLine(alert.state))" + (first.map { " — since \($0)" } ?? "")
        case .agentDown:
            return "AGENT_DOWN \(agent) — its jobs are UNKNOWN"
        case .agentUp:
            return "AGENT_UP \(agent) — scanning again"
        case .problem:
            guard let first, let last else { return "\(event.rawValue) \(job)" }
            if occurrences.count == 1 { return "\(event.rawValue) \(job) — \(first)" }
            return "\(event.rawValue) \(job) — \(occurrences.count) runs, \(first) to \(last)"
        }
    }

    /// The opening sentence of the body.
    var intro: String {
        switch alert.event {
        case .test:
            return "This is a test message sent with `monitor notify test \(Self.singleLine(routeName))`. "
                + "If you are reading it, the route works. It is not an alert."
        case .problem(let verdict):
            return verdict.alertSentence(job: job, count: occurrences.count)
        case .resolved:
            return "\(job) is back to \(Self.singleLine(alert.state))."
        case .reminder:
            return "\(job) is still \(Self.singleLine(alert.state))."
        case .agentDown:
            return "The monitor agent of host \(agent) has stopped reporting. Until it is back, nothing checks the backups that "
                + "land there: its jobs show UNKNOWN, and none of them is declared MISSING."
        case .agentUp:
            return "The monitor agent of host \(agent) reports again; it catches up on the runs it missed."
        }
    }

    /// Label and value pairs, in reading order; absent facts are left out.
    var facts: [(label: String, value: String)] {
        var facts: [(String, String)] = []
        if alert.event == .test {
            facts.append(("Route", Self.singleLine(routeName)))
            facts.append(("Sent at", "\(time(alert.createdAt)) (\(Self.utc(alert.createdAt)))"))
        } else if alert.agent != nil {
            facts.append(("Host", agent))
            facts.append(("Detected", Self.utc(alert.createdAt)))
        } else {
            let description = alert.jobDescription.map(Self.singleLine).map { " (\($0))" } ?? ""
            facts.append(("Job", job + description))
            facts.append(("Verdict", Self.singleLine(alert.state)))
            if occurrences.count == 1, let only = occurrences.first {
                facts.append(("Scheduled", "\(time(only.scheduledAt)) (\(Self.utc(only.scheduledAt)))"))
                facts.append(("Window end", "\(time(only.windowEnd)) (\(Self.utc(only.windowEnd)))"))
            }
            if !alert.destination.isEmpty { facts.append(("Destination", Self.singleLine(alert.destination))) }
            if !alert.labels.isEmpty { facts.append(("Labels", labels)) }
            facts.append(("Detected", Self.utc(alert.createdAt)))
        }
        if let url = alert.url { facts.append(("Link", Self.singleLine(url))) }
        return facts
    }

    /// One line per occurrence, when there are several (grouped MISSING runs).
    var occurrenceLines: [String] {
        guard occurrences.count > 1 else { return [] }
        return occurrences.map { "\(time($0.scheduledAt)) (\(Self.utc($0.scheduledAt))), window ended \(time($0.windowEnd))" }
    }

    /// The status file's message: line breaks kept, control characters removed, size bounded.
    var message: String? {
        guard let message = alert.message, !message.isEmpty else { return nil }
        let unified = message.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return SafeText.cleaned(unified, maximumBytes: 4_000)
    }

    var labels: String {
        alert.labels.sorted { $0.key < $1.key }.map { "\(Self.singleLine($0.key))=\(Self.singleLine($0.value))" }.joined(separator: ", ")
    }

    /// "2026-11-24 02:00 Europe/Paris": how the operator declared the schedule.
    func time(_ date: Date) -> String {
        let zone = TimeZone(identifier: alert.timezone) ?? TimeZone(identifier: "UTC")!
        return "\(Self.civil(date, in: zone)) \(zone.identifier)"
    }

    /// "2026-11-24 01:00 UTC".
    static func utc(_ date: Date) -> String {
        "\(civil(date, in: TimeZone(identifier: "UTC")!)) UTC"
    }

    /// `YYYY-MM-DD HH:MM`, with `:SS` only when the seconds are not zero (cron times never have any).
    private static func civil(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let base = String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
        return (c.second ?? 0) == 0 ? base : base + String(format: ":%02d", c.second ?? 0)
    }

    /// `text` on one line, with nothing that could move a terminal's cursor or end a header.
    static func singleLine(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: text.unicodeScalars.map { SafeText.isUnsafe($0) ? " " : $0 })
        return result
    }
}
