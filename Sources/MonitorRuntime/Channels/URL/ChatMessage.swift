import Foundation
import MonitorCore

/// A notification's words shaped for chat and push services: a title, a plain-text body, and
/// the HTML that Telegram and Matrix render. Built on ``NotificationText`` so that every channel
/// says the same thing; the event decides the tone (a problem, back to normal, a reminder, a test).
struct ChatMessage {
    let words: NotificationText
    var alert: Alert { words.alert }

    init(_ alert: Alert, routeName: String) {
        words = NotificationText(alert: alert, routeName: routeName)
    }

    enum Tone {
        case problem, resolved, reminder, test
    }

    var tone: Tone {
        switch alert.event {
        case .problem, .agentDown: .problem
        case .resolved, .agentUp: .resolved
        case .reminder: .reminder
        case .test: .test
        }
    }

    /// A sign before the headline, so that a glance at a phone tells bad from good.
    var symbol: String {
        switch tone {
        case .problem: "🔴"
        case .resolved: "✅"
        case .reminder: "🔁"
        case .test: "🧪"
        }
    }

    /// "[monitor] FAILED postgres-prod — 2026-11-24 02:00 Europe/Paris".
    var title: String { "[monitor] \(words.headline)" }

    /// The link to the job on the dashboard, when `public_url` is set and it is an http(s) URL.
    var link: String? {
        alert.url.map(NotificationText.singleLine).flatMap { $0.lowercased().hasPrefix("http") ? $0 : nil }
    }

    /// The status file's message, at most `lines` lines.
    func messageLines(_ lines: Int = 20) -> [String] {
        words.message.map { $0.split(separator: "\n", omittingEmptySubsequences: false).prefix(lines).map(String.init) } ?? []
    }

    /// The body under the title, as plain text: the opening sentence, the facts, the occurrences,
    /// the status file's message quoted.
    var plainBody: String {
        var lines = [words.intro, ""]
        lines += words.facts.filter { $0.label != "Link" }.map { "\($0.label): \($0.value)" }
        lines += words.occurrenceLines.map { "• \($0)" }
        let message = messageLines()
        if !message.isEmpty { lines += [""] + message.map { "> \($0)" } }
        if let link { lines += ["", link] }
        return lines.joined(separator: "\n")
    }

    /// HTML for Telegram (`parse_mode: HTML`: b, i, a, blockquote; line breaks as newlines) or
    /// Matrix (`org.matrix.custom.html`: the same tags, line breaks as `<br>`).
    func html(lineBreak: String) -> String {
        var lines = ["<b>\(symbol) \(Self.escape(title))</b>", Self.escape(words.intro)]
        lines += words.facts.filter { $0.label != "Link" }.map { "<b>\(Self.escape($0.label)):</b> \(Self.escape($0.value))" }
        lines += words.occurrenceLines.map { "• \(Self.escape($0))" }
        let message = messageLines()
        if !message.isEmpty { lines.append("<blockquote>\(message.map(Self.escape).joined(separator: lineBreak))</blockquote>") }
        if let link { lines.append("<a href=\"\(Self.escape(link))\">Open in monitor</a>") }
        return lines.joined(separator: lineBreak)
    }

    /// `&`, `<`, `>` and `"` as entities: what Telegram's and Matrix's HTML need.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `text` cut to `limit` characters, with "…" when cut (services refuse longer fields).
    static func clipped(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
