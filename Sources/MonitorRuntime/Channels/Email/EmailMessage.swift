import Foundation
import MonitorCore

/// An RFC 5322 message with a plain-text part and an HTML alternative, both UTF-8 in
/// quoted-printable: what the e-mail transport hands to the SMTP server after the envelope.
struct EmailMessage: Sendable, Equatable {
    var from: EmailAddress
    var to: [EmailAddress]
    var subject: String
    var date: Date
    /// Without angle brackets: `random@domain`.
    var messageID: String
    var text: String
    var html: String

    /// The message for `alert` through route `routeName`. The clock and the random part
    /// of the Message-ID are parameters, so that tests can pin them.
    init(alert: Alert, routeName: String, channel: EmailChannel, date: Date, uniqueID: String) {
        let words = NotificationText(alert: alert, routeName: routeName)
        from = channel.from
        to = channel.to
        subject = "[monitor] " + words.headline
        self.date = date
        let domain = channel.from.address.split(separator: "@").last.map(String.init) ?? "localhost"
        messageID = "\(uniqueID)@\(domain)"
        text = EmailBody.text(words)
        html = EmailBody.html(words)
    }

    /// A boundary that quoted-printable output can never contain ("=_" would be "=3D_").
    private var boundary: String { "=_monitor_" + String(messageID.prefix { $0 != "@" }).filter { $0.isLetter || $0.isNumber } }

    /// The message as sent: CRLF line ends, 7-bit ASCII, lines within 78 columns.
    var rendered: [UInt8] {
        var message = ""
        message += MIMEEncoding.header("Date", [MIMEEncoding.date(date)])
        message += MIMEEncoding.header("From", MIMEEncoding.mailboxWords(from))
        message += MIMEEncoding.header("To", Self.listWords(to))
        message += MIMEEncoding.header("Subject", MIMEEncoding.unstructuredWords(subject))
        message += MIMEEncoding.header("Message-ID", ["<\(messageID)>"])
        // RFC 3834: an automatic message; well-behaved auto-responders do not answer it.
        message += MIMEEncoding.header("Auto-Submitted", ["auto-generated"])
        message += MIMEEncoding.header("MIME-Version", ["1.0"])
        message += MIMEEncoding.header("Content-Type", ["multipart/alternative;", "boundary=\"\(boundary)\""])
        message += "\r\n"
        message += "This is a message in MIME format: a plain-text part and an HTML part.\r\n"
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            message += "\r\n--\(boundary)\r\n"
            message += MIMEEncoding.header("Content-Type", ["\(type);", "charset=utf-8"])
            message += MIMEEncoding.header("Content-Transfer-Encoding", ["quoted-printable"])
            message += "\r\n"
            // The body ends with a line break; the CRLF before the next delimiter is the delimiter's.
            message += MIMEEncoding.quotedPrintable(body)
        }
        message += "\r\n--\(boundary)--\r\n"
        return Array(message.utf8)
    }

    /// Mailboxes separated by commas, each foldable between its words.
    private static func listWords(_ addresses: [EmailAddress]) -> [String] {
        var words: [String] = []
        for (index, address) in addresses.enumerated() {
            var mailbox = MIMEEncoding.mailboxWords(address)
            if index < addresses.count - 1 { mailbox[mailbox.count - 1] += "," }
            words += mailbox
        }
        return words
    }
}

/// The bodies of a notification e-mail, from the words every channel shares.
enum EmailBody {
    static func text(_ words: NotificationText) -> String {
        var lines = [words.intro, ""]
        let width = (words.facts.map(\.label.count).max() ?? 0) + 2
        for fact in words.facts {
            lines.append((fact.label + ":").padding(toLength: width, withPad: " ", startingAt: 0) + fact.value)
        }
        if !words.occurrenceLines.isEmpty {
            lines += ["", "Runs (\(words.occurrenceLines.count)):"] + words.occurrenceLines.map { "  - " + $0 }
        }
        if let message = words.message {
            lines += ["", "Message:"] + message.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        }
        lines += ["", "-- ", "Sent by monitor through alert route \(NotificationText.singleLine(words.routeName))."]
        return lines.joined(separator: "\n") + "\n"
    }

    static func html(_ words: NotificationText) -> String {
        let e = MIMEEncoding.html
        var html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>\(e("[monitor] " + words.headline))</title></head>\n"
        html += "<body style=\"font-family: sans-serif\">\n<p>\(e(words.intro))</p>\n<table>\n"
        for fact in words.facts {
            let value: String
            // Only http(s) links become anchors; anything else is shown as text.
            if fact.label == "Link", let scheme = fact.value.split(separator: ":").first?.lowercased(), ["http", "https"].contains(scheme) {
                value = "<a href=\"\(e(fact.value))\">\(e(fact.value))</a>"
            } else {
                value = e(fact.value)
            }
            html += "<tr><th align=\"left\">\(e(fact.label))</th><td>\(value)</td></tr>\n"
        }
        html += "</table>\n"
        if !words.occurrenceLines.isEmpty {
            html += "<p>Runs (\(words.occurrenceLines.count)):</p>\n<ul>\n"
            html += words.occurrenceLines.map { "<li>\(e($0))</li>\n" }.joined()
            html += "</ul>\n"
        }
        if let message = words.message {
            html += "<p>Message:</p>\n<pre>\(e(message))</pre>\n"
        }
        html += "<p style=\"color: gray\">Sent by monitor through alert route \(e(NotificationText.singleLine(words.routeName))).</p>\n"
        return html + "</body></html>\n"
    }
}
