import Foundation
import GRDB
import MonitorCore
import MonitorStore
import MonitorTestSupport
import Testing

@testable import MonitorRuntime

/// The URL channel through the real outbox (SQLite) and the real transport: a 429's
/// `Retry-After` holds the next attempt back beyond the backoff; refused credentials are given
/// up at once with the service's words, and no secret reaches the outbox row.
@Suite(.timeLimit(.minutes(1))) struct URLChannelOutboxTests {
    let store: StateStore
    let receiver: TestServer

    init() throws {
        receiver = try TestServer(script: "service_receiver.py", arguments: ["--retry-after", "120"])
        let path = NSTemporaryDirectory() + "monitor-url-outbox-\(UUID().uuidString)/state.sqlite"
        store = try StateStore.open(path: path, create: true)
        let origin = "http://127.0.0.1:\(receiver.port)"
        let routes = [
            AlertRoute(
                name: "limited",
                channel: .url(URLChannel(target: .url(try NotificationURL(parsing: "tgram://123456:good-token/-429")), apiURL: origin))),
            AlertRoute(
                name: "refused",
                channel: .url(URLChannel(target: .url(try NotificationURL(parsing: "tgram://123456:wrong-token/-100")), apiURL: origin))),
        ]
        let job = Job(
            name: "db", destination: "nas", schedule: try CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 10_800),
            routes: ["limited", "refused"])
        try store.apply(
            DesiredState(
                settings: Settings(state: path), destinations: [Destination(name: "nas", path: "/srv/backups")], routes: routes, jobs: [job]),
            baseRevision: 0, context: ApplyContext(configPath: "/x.yaml", git: nil, user: "t", host: "h", now: at("2026-11-20T00:00:00Z")))
    }

    func enqueue(route: String) throws {
        var update = JobLedgerUpdate(job: "db")
        let occurrence = Occurrence(scheduledAt: at("2026-11-21T02:00:00Z"), windowEnd: at("2026-11-21T05:00:00Z"))
        update.notifications = [
            OutboxItem(
                route: route, dedupKey: "db/\(route)/FAILED",
                alert: Alert(
                    event: .failed, job: "db", state: "FAILED", occurrences: [occurrence], message: "boom", labels: [:], destination: "nas",
                    timezone: "UTC", jobDescription: nil, url: nil, createdAt: at("2026-11-21T05:00:00Z")))
        ]
        try store.record(update, at: at("2026-11-21T05:00:00Z"))
    }

    @Test func aRateLimitedServiceIsNotAskedAgainBeforeItsRetryAfter() throws {
        try enqueue(route: "limited")
        let notifier = Notifier(store: store, transport: LiveTransport(timeouts: DeliveryTimeouts(connect: 5, total: 15)))
        #expect(try notifier.deliverDue(now: at("2026-11-21T05:00:00Z")).retrying == 1)
        // The backoff alone would try again after 30 s; Telegram asked for 120.
        #expect(try notifier.deliverDue(now: at("2026-11-21T05:00:30Z")) == Notifier.Summary())
        #expect(try notifier.deliverDue(now: at("2026-11-21T05:01:59Z")) == Notifier.Summary())
        #expect(try notifier.deliverDue(now: at("2026-11-21T05:02:00Z")).retrying == 1)
        #expect(try receiver.received(ServiceRecord.self).map(\.status) == [429, 429])
        #expect(try store.outboxCounts() == (pending: 1, delivered: 0, failed: 0))
        let row = try DatabaseQueue(path: store.path).read { try Row.fetchOne($0, sql: "SELECT last_error, next_attempt_at FROM outbox") }
        #expect(
            (row?["last_error"] as String?)
                == "Telegram answered HTTP 429: Too Many Requests: retry after 120 — rate limited; retrying after 120 s as it asked")
        #expect((row?["next_attempt_at"] as String?)?.hasPrefix("2026-11-21T05:04:00") == true, "\(String(describing: row))")
    }

    @Test func refusedCredentialsAreGivenUpAtOnceWithoutTheSecret() throws {
        try enqueue(route: "refused")
        let notifier = Notifier(store: store, transport: LiveTransport(timeouts: DeliveryTimeouts(connect: 5, total: 15)))
        #expect(try notifier.deliverDue(now: at("2026-11-21T05:00:00Z")).gaveUp == 1)
        #expect(try notifier.deliverDue(now: at("2026-11-21T06:00:00Z")) == Notifier.Summary())
        #expect(try receiver.received(ServiceRecord.self).count == 1)
        #expect(try store.outboxCounts() == (pending: 0, delivered: 0, failed: 1))
        let error = try DatabaseQueue(path: store.path).read { try String.fetchOne($0, sql: "SELECT last_error FROM outbox") }
        #expect(
            error
                == "Telegram answered HTTP 401: Unauthorized — the credentials were refused; check its bot token in the URL (not retried, the same request would be refused again)"
        )
    }
}
