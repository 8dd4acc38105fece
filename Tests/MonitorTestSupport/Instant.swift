import Foundation

/// An instant written in RFC 3339 — `2026-11-21T02:00:00Z`, with an offset or a fraction if
/// need be — so that tests read like the times they are about. A typo stops the test run,
/// naming the text.
public func at(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { preconditionFailure("not an RFC 3339 instant in a test: \(text)") }
    return date
}
