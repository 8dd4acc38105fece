import Foundation
import Logging
import MonitorCore
import MonitorStore

/// How one delivery attempt ended.
public enum DeliveryOutcome: Sendable, Hashable {
    case delivered
    /// `retryable` is false when trying again cannot help (authentication refused, recipient
    /// rejected, a 4xx answer, a missing environment variable).
    case failed(message: String, retryable: Bool)
}

/// Sends one alert through one route: e-mail or webhook in production, a recorder in tests.
public protocol AlertSender: Sendable {
    func send(_ alert: Alert, through route: AlertRoute, settings: Settings) -> DeliveryOutcome
}

/// Delivers the outbox: claims what is due, sends it, records the outcome. Failed attempts are
/// retried with exponential backoff until a give-up horizon, then recorded as given up. A
/// claimed row is sent by one deliverer only, so `monitor scan` and the daemon never both send it.
public struct Notifier: Sendable {
    let store: StateStore
    let sender: any AlertSender
    let logger: Logger
    public var policy: RetryPolicy

    public init(store: StateStore, sender: any AlertSender, policy: RetryPolicy = RetryPolicy(), logger: Logger = Logger(label: "monitor.notify")) {
        self.store = store
        self.sender = sender
        self.policy = policy
        self.logger = logger
    }

    public struct Summary: Sendable, Hashable, Codable {
        public var delivered = 0
        public var retrying = 0
        public var gaveUp = 0

        enum CodingKeys: String, CodingKey {
            case delivered, retrying
            case gaveUp = "gave_up"
        }
    }

    /// Delivers every notification due at `now` (the scan's clock, so `--now` can exercise retries).
    public func deliverDue(now: Date) throws(StoreError) -> Summary {
        var summary = Summary()
        let applied = try store.appliedState().desired
        let routes = Dictionary((applied?.routes ?? []).map { ($0.name, $0) }) { first, _ in first }
        let settings = applied?.settings ?? Settings(state: store.path)
        while true {
            let batch = try store.claimDueNotifications(now: now, claimUntil: now.addingTimeInterval(policy.claim), limit: 50)
            if batch.isEmpty { break }
            for entry in batch {
                let metadata: Logger.Metadata = ["job": "\(entry.job)", "route": "\(entry.route)", "event": "\(entry.alert.event.rawValue)"]
                guard let route = routes[entry.route] else {
                    try store.markFailed(entry.id, error: "alert route \"\(entry.route)\" is no longer configured", retryAt: nil, at: now)
                    summary.gaveUp += 1
                    continue
                }
                switch sender.send(entry.alert, through: route, settings: settings) {
                case .delivered:
                    try store.markDelivered(entry.id, at: now)
                    summary.delivered += 1
                    logger.info("notification delivered", metadata: metadata)
                case .failed(let message, let retryable):
                    let retryAt = retryable ? policy.nextAttempt(after: entry.attempts, now: now, createdAt: entry.createdAt) : nil
                    let error = retryAt == nil && retryable
                        ? "gave up after \(entry.attempts) attempts over \(TimeSpan(seconds: Int64(policy.horizon))): \(message)" : message
                    try store.markFailed(entry.id, error: error, retryAt: retryAt, at: now)
                    if retryAt == nil { summary.gaveUp += 1 } else { summary.retrying += 1 }
                    logger.error("notification failed", metadata: metadata.merging([
                        "error": "\(message)", "retry_at": "\(retryAt.map(Timestamp.string) ?? "never")",
                    ]) { a, _ in a })
                }
            }
        }
        return summary
    }
}

/// Exponential backoff, capped, with a horizon after which a notification is given up.
public struct RetryPolicy: Sendable, Hashable {
    /// Wait after the first failed attempt; doubled after each further one.
    public var initial: TimeInterval = 30
    public var maximum: TimeInterval = 3_600
    /// A notification older than this is given up rather than retried.
    public var horizon: TimeInterval = 86_400
    /// How long a deliverer holds a claimed row before another may take it over.
    public var claim: TimeInterval = 600

    public init() {}

    /// When to try again after `attempts` failed attempts, or `nil` past the horizon.
    public func nextAttempt(after attempts: Int, now: Date, createdAt: Date) -> Date? {
        let wait = min(maximum, initial * pow(2, Double(max(0, attempts - 1))))
        let next = now.addingTimeInterval(wait)
        return next.timeIntervalSince(createdAt) > horizon ? nil : next
    }
}
