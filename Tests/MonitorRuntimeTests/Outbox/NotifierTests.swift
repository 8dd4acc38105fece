import Foundation
import MonitorCore
import MonitorStore
import MonitorTestSupport
import Synchronization
import Testing

@testable import MonitorRuntime

/// A transport that records what it is asked to deliver and fails from a script.
final class RecordingTransport: NotificationTransport, Sendable {
    let sent = Mutex<[String]>([])
    /// One entry per attempt, in order: `nil` delivers, an error fails; delivers once exhausted.
    let script: Mutex<[DeliveryError?]>

    init(_ script: [DeliveryError?] = []) { self.script = Mutex(script) }

    func deliver(_ alert: Alert, route: AlertRoute, settings: Settings) throws(DeliveryError) {
        if let failure = script.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { throw failure }
        sent.withLock { $0.append("\(route.name) \(alert.event.rawValue) \(alert.job)") }
    }
}

/// The outbox on a real SQLite file: retries, backoff, give-up, and never twice.
@Suite struct NotifierTests {
    let store: StateStore

    init() throws {
        let path = NSTemporaryDirectory() + "monitor-notifier-\(UUID().uuidString)/state.sqlite"
        store = try StateStore.open(path: TestState.location(path), create: true)
        let route = AlertRoute(name: "ops", channel: .webhook(WebhookChannel(target: .url("https://hooks.example.com/x"))))
        let job = Job(
            name: "db", destination: "nas", schedule: try CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 10_800), routes: ["ops"])
        try store.apply(
            DesiredState(
                settings: Settings(state: path), destinations: [Destination(name: "nas", path: "/srv/backups")],
                routes: [route], jobs: [job]),
            baseRevision: 0, context: ApplyContext(configPath: "/x.yaml", git: nil, user: "t", host: "h", now: at("2026-11-20T00:00:00Z")))
    }

    func enqueue(_ key: String, at time: String) throws {
        var update = JobLedgerUpdate(job: "db")
        let occurrence = Occurrence(scheduledAt: at("2026-11-21T02:00:00Z"), windowEnd: at("2026-11-21T05:00:00Z"))
        update.notifications = [
            OutboxItem(
                route: "ops", dedupKey: key,
                alert: Alert(
                    event: .failed, job: "db", state: "FAILED", occurrences: [occurrence], message: "boom", labels: [:], destination: "nas",
                    timezone: "UTC", jobDescription: nil, url: nil, createdAt: at(time)))
        ]
        try store.record(update, at: at(time))
    }

    @Test func aDeadServerDelaysDeliveryButLosesNothingAndSendsOnce() throws {
        try enqueue("k1", at: "2026-11-21T05:00:00Z")
        let sender = RecordingTransport([DeliveryError("connection refused", retryable: true), DeliveryError("connection refused", retryable: true)])
        let notifier = Notifier(store: store, transport: sender)
        #expect(try notifier.deliverDue(now: at("2026-11-21T05:00:00Z")).retrying == 1)
        // Not due again before the backoff (30 s, then 60 s).
        #expect(try notifier.deliverDue(now: at("2026-11-21T05:00:29Z")) == Notifier.Summary())
        #expect(try notifier.deliverDue(now: at("2026-11-21T05:00:30Z")).retrying == 1)
        #expect(try notifier.deliverDue(now: at("2026-11-21T05:01:29Z")) == Notifier.Summary())
        #expect(try notifier.deliverDue(now: at("2026-11-21T05:01:30Z")).delivered == 1)
        #expect(try notifier.deliverDue(now: at("2026-11-22T05:00:00Z")) == Notifier.Summary())
        #expect(sender.sent.withLock { $0 } == ["ops FAILED db"])
        #expect(try store.outboxCounts() == (pending: 0, delivered: 1, failed: 0))
    }

    @Test func theSameKeyIsNeverQueuedTwice() throws {
        try enqueue("same", at: "2026-11-21T05:00:00Z")
        try enqueue("same", at: "2026-11-21T05:15:00Z")
        let sender = RecordingTransport()
        #expect(try Notifier(store: store, transport: sender).deliverDue(now: at("2026-11-21T06:00:00Z")).delivered == 1)
    }

    @Test func aFailureThatRetryingCannotHelpIsGivenUpAtOnce() throws {
        try enqueue("k2", at: "2026-11-21T05:00:00Z")
        let sender = RecordingTransport([DeliveryError("authentication failed for user monitor (535)", retryable: false)])
        #expect(try Notifier(store: store, transport: sender).deliverDue(now: at("2026-11-21T05:00:00Z")).gaveUp == 1)
        #expect(try store.outboxCounts() == (pending: 0, delivered: 0, failed: 1))
    }

    @Test func aNotificationIsGivenUpPastTheHorizon() throws {
        try enqueue("k3", at: "2026-11-21T05:00:00Z")
        let sender = RecordingTransport(Array(repeating: DeliveryError("timed out", retryable: true), count: 100))
        let notifier = Notifier(store: store, transport: sender)
        var now = at("2026-11-21T05:00:00Z")
        var gaveUp = 0
        for _ in 0..<200 where gaveUp == 0 {
            gaveUp += try notifier.deliverDue(now: now).gaveUp
            now = now.addingTimeInterval(3_600)
        }
        #expect(gaveUp == 1)
        #expect(now.timeIntervalSince(at("2026-11-21T05:00:00Z")) <= 26 * 3_600)
        #expect(try store.outboxCounts() == (pending: 0, delivered: 0, failed: 1))
    }

    @Test func twoDeliverersAtOnceSendEachNotificationOnce() async throws {
        for index in 0..<40 { try enqueue("c\(index)", at: "2026-11-21T05:00:00Z") }
        let sender = RecordingTransport()
        let notifier = Notifier(store: store, transport: sender)
        async let first = Task.detached { try notifier.deliverDue(now: at("2026-11-21T05:00:00Z")) }.value
        async let second = Task.detached { try notifier.deliverDue(now: at("2026-11-21T05:00:00Z")) }.value
        let total = try await first.delivered + second.delivered
        #expect(total == 40)
        #expect(sender.sent.withLock { $0.count } == 40)
    }
}
