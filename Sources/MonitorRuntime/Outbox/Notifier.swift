import Foundation
import Logging
import MonitorCore
import MonitorStore

/// Delivers the outbox: claims what is due, sends it, records the outcome. Failed attempts are
/// retried with exponential backoff until a give-up horizon, then recorded as given up. A
/// claimed row is sent by one deliverer only, so `monitor scan` and the daemon never both send it.
public struct Notifier: Sendable {
    let store: StateStore
    let transport: any NotificationTransport
    let logger: Logger
    public var policy: RetryPolicy

    /// - Parameter transport: e-mail or webhook (`LiveTransport`) in production, a recorder in tests.
    public init(
        store: StateStore, transport: any NotificationTransport, policy: RetryPolicy = RetryPolicy(), logger: Logger = Logger(label: "monitor.notify")
    ) {
        self.store = store
        self.transport = transport
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
    /// Silenced rows (SPEC §16) are never claimed, so never sent: they stay in the outbox as the record.
    public func deliverDue(now: Date) throws(StoreError) -> Summary {
        var summary = Summary()
        let applied = try store.appliedRouting()
        let routes = applied?.routesByName ?? [:]
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
                var failed: DeliveryError?
                do { try transport.deliver(entry.alert, route: route, settings: settings) } catch { failed = error }
                if let failure = failed {
                    let retryAt =
                        failure.retryable
                        ? policy.nextAttempt(after: entry.attempts, now: now, createdAt: entry.createdAt, notBefore: failure.retryAfter) : nil
                    let error =
                        retryAt == nil && failure.retryable
                        ? "gave up after \(entry.attempts) attempts over \(TimeSpan(seconds: Int64(policy.horizon))): \(failure.message)"
                        : failure.message
                    try store.markFailed(entry.id, error: error, retryAt: retryAt, at: now)
                    if retryAt == nil { summary.gaveUp += 1 } else { summary.retrying += 1 }
                    logger.error(
                        "notification failed",
                        metadata: metadata.merging([
                            "error": "\(failure.message)", "retry_at": "\(retryAt.map(Timestamp.string) ?? "never")",
                        ]) { a, _ in a })
                } else {
                    try store.markDelivered(entry.id, at: now)
                    summary.delivered += 1
                    logger.info("notification delivered", metadata: metadata)
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
    ///
    /// - Parameter notBefore: seconds the far side asked to wait (`Retry-After`); the backoff
    ///   never sends sooner, and a wait longer than the backoff replaces it.
    public func nextAttempt(after attempts: Int, now: Date, createdAt: Date, notBefore: TimeInterval? = nil) -> Date? {
        let backoff = min(maximum, initial * pow(2, Double(max(0, attempts - 1))))
        let wait = max(backoff, notBefore ?? 0)
        let next = now.addingTimeInterval(wait)
        return next.timeIntervalSince(createdAt) > horizon ? nil : next
    }
}
