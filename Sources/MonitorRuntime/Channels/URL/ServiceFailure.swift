import Foundation
import MonitorCore

/// How a service's answer reads as the outcome of an attempt, the same for every service:
///
/// - 2xx: delivered.
/// - 401 and 403: the credentials in the URL are refused; given up at once (another attempt
///   would get the same answer), with a sentence that says what to check.
/// - 429: rate limited; retried, not before the service's `Retry-After` (or the wait its body
///   gives: Telegram's `parameters.retry_after`, Discord's `retry_after`, Matrix's `retry_after_ms`).
/// - 408 and 5xx: retried with the outbox's backoff.
/// - other 3xx and 4xx: the URL or the request is wrong; given up.
///
/// The service's own words (`description`, `error`, `message`, `errors`) are quoted, without
/// control characters and with the URL's secrets replaced by `***`.
enum ServiceFailure {
    /// `nil` for a 2xx answer, else what went wrong.
    static func judge(_ answer: ServiceAnswer, service: String, secretName: String, origin: String, secrets: [String]) -> DeliveryError? {
        let status = answer.status
        guard !(200...299).contains(status) else { return nil }
        let words = reason(in: answer).map { ": \($0)" } ?? ""
        let said = "\(service) answered HTTP \(status)\(words)"
        let error: DeliveryError
        switch status {
        case 401, 403:
            error = DeliveryError(
                "\(said) — the credentials were refused; check \(secretName) in the URL (not retried, the same request would be refused again)",
                retryable: false)
        case 429:
            let wait = retryAfter(answer)
            error = DeliveryError(
                "\(said) — rate limited" + (wait.map { "; retrying after \(Self.seconds($0)) s as it asked" } ?? "; retrying later"), retryable: true,
                retryAfter: wait)
        case 408, 500...:
            error = DeliveryError("\(said) — retrying later", retryable: true)
        case 404:
            error = DeliveryError("\(said) — not found at \(origin); check the URL (not retried)", retryable: false)
        default:
            error = DeliveryError("\(said) (not retried)", retryable: false)
        }
        return redacted(error, secrets: secrets)
    }

    /// `error` with every secret replaced by `***`.
    static func redacted(_ error: DeliveryError, secrets: [String]) -> DeliveryError {
        var copy = error
        copy.message = NotificationURL.redact(error.message, secrets: secrets)
        return copy
    }

    /// The service's explanation, from the JSON fields services use for it, or the start of the body.
    static func reason(in answer: ServiceAnswer) -> String? {
        if let json = answer.json {
            for key in ["description", "errorDescription", "error", "message", "errcode"] {
                if let text = json[key] as? String, !text.isEmpty { return clean(text) }
            }
            if let errors = json["errors"] as? [Any], !errors.isEmpty { return clean(errors.map { "\($0)" }.joined(separator: "; ")) }
        }
        let text = clean(String(decoding: answer.body.prefix(200), as: UTF8.self))
        return text.isEmpty ? nil : text
    }

    /// Seconds to wait: the `Retry-After` header (seconds or an HTTP date), else the body's field.
    static func retryAfter(_ answer: ServiceAnswer, now: Date = Date()) -> TimeInterval? {
        if let value = answer.header("Retry-After") {
            if let seconds = Double(value), seconds >= 0 { return seconds.rounded(.up) }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            if let date = formatter.date(from: value) { return max(0, date.timeIntervalSince(now).rounded(.up)) }
        }
        guard let json = answer.json else { return nil }
        if let seconds = (json["parameters"] as? [String: Any])?["retry_after"] as? Double { return seconds.rounded(.up) }
        if let seconds = json["retry_after"] as? Double { return seconds.rounded(.up) }
        if let milliseconds = json["retry_after_ms"] as? Double { return (milliseconds / 1_000).rounded(.up) }
        return nil
    }

    private static func clean(_ text: String) -> String {
        CurlTranscript.printable(text).trimmingCharacters(in: .whitespaces)
    }

    static func seconds(_ value: TimeInterval) -> String { DeliveryTimeouts.seconds(value) }
}
