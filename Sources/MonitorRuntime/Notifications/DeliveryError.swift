import Foundation

/// What a failed delivery attempt concluded: a sentence for the operator (recorded on the
/// outbox row and logged) and whether a later attempt could succeed.
///
/// `retryable` is false only when the far side gave a definitive answer that another attempt
/// would get again: authentication refused, a recipient or sender refused with a 5xx reply, a
/// message refused with 5xx, a certificate that is not trusted, a server without STARTTLS when
/// `tls: required`, a webhook answering 3xx or 4xx other than 408 and 429. Connection refused,
/// DNS failures, timeouts, 4xx SMTP replies (greylisting) and 408/429/5xx webhook answers are
/// retryable.
///
/// A missing environment variable (`password_env`, `url_env`) is retryable on purpose: the
/// value is read at each attempt, so setting it and restarting `monitor run` (or the next
/// `monitor scan` from cron) delivers what waited instead of losing it; the outbox's give-up
/// horizon bounds the wait, and `monitor check` already warns about the variable.
public struct DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// E.g. "connection refused by mail.example.com:587", "recipient refused: <x@y> (550 ...)".
    public var message: String
    public var retryable: Bool
    /// How long the far side asked to be left alone (HTTP 429 `Retry-After`, or the service's own
    /// field for it): the outbox waits at least this long before the next attempt.
    public var retryAfter: TimeInterval?

    public init(_ message: String, retryable: Bool, retryAfter: TimeInterval? = nil) {
        self.message = message
        self.retryable = retryable
        self.retryAfter = retryAfter
    }

    public var description: String { message }

    /// The environment variable `name`, read at send time, is unset or empty.
    static func missingVariable(_ name: String, purpose: String) -> DeliveryError {
        DeliveryError("environment variable \(name) is not set (it should hold \(purpose))", retryable: true)
    }
}

/// How long one delivery attempt may take: a server that accepts connections and never answers
/// must not hold up the notifier.
public struct DeliveryTimeouts: Sendable, Hashable {
    /// Seconds to establish the connection (TCP and TLS).
    public var connect: Double
    /// Seconds for the whole attempt, connection included.
    public var total: Double

    public init(connect: Double = 10, total: Double = 30) {
        self.connect = connect
        self.total = total
    }

    public static let standard = DeliveryTimeouts()

    /// "30 s", or "10 s (connecting)" when libcurl's message says the connect phase timed out.
    func describe(_ curlDetail: String) -> String {
        curlDetail.localizedCaseInsensitiveContains("connect") && !curlDetail.contains("bytes received")
            ? "\(Self.seconds(connect)) s (connecting)" : "\(Self.seconds(total)) s"
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    var connectMilliseconds: Int { Int((connect * 1_000).rounded()) }
    var totalMilliseconds: Int { Int((total * 1_000).rounded()) }
}
