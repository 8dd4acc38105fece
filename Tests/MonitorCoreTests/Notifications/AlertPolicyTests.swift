import Foundation
import MonitorTestSupport
import Testing

@testable import MonitorCore

/// SPEC §6 as tables: which route hears what, grouping, RESOLVED and REMINDER.
@Suite struct AlertPolicyTests {
    static let job = Job(
        name: "db", destination: "nas", schedule: try! CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 10_800),
        timezone: "Europe/Paris", routes: ["mail", "chat"], labels: ["team": "data"])
    static let mail = AlertRoute(
        name: "mail", channel: .webhook(.init(target: .url("https://x.example.com"))), repeatInterval: TimeSpan(seconds: 43_200))
    static let chat = AlertRoute(
        name: "chat", channel: .webhook(.init(target: .url("https://y.example.com"))), on: [.failed, .missing], sendResolved: false)
    let policy = AlertPolicy(job: job, routes: [mail, chat], publicURL: "https://backups.example.com/")

    static func record(_ day: Int, _ state: Verdict, message: String? = nil) -> OccurrenceRecord {
        let scheduled = at(String(format: "2026-11-%02dT01:00:00Z", day))
        return OccurrenceRecord(
            occurrence: Occurrence(scheduledAt: scheduled, windowEnd: scheduled.addingTimeInterval(10_800)), state: state, message: message)
    }

    func summary(_ items: [OutboxItem]) -> [String] {
        items.map { "\($0.route) \($0.alert.event.rawValue) \($0.alert.occurrences.count)" }
    }

    @Test func aFailureGoesToEveryRouteThatListsIt() {
        let failed = Self.record(21, .failed, message: "pg_dump: connection refused")
        let items = policy.notifications(
            changes: [(before: .pending, after: failed)], statusBefore: nil, statusAfter: failed,
            lastProblemAlert: [:], now: at("2026-11-21T03:00:00Z"))
        #expect(summary(items) == ["mail FAILED 1", "chat FAILED 1"])
        #expect(items[0].alert.message == "pg_dump: connection refused")
        #expect(items[0].alert.url == "https://backups.example.com/?job=db")
        #expect(items[0].dedupKey == "db/mail/FAILED/2026-11-21T01:00:00Z")
        #expect(items[0].alert.labels == ["team": "data"])
    }

    @Test func aHashMismatchSkipsARouteThatDoesNotListIt() {
        let mismatch = Self.record(21, .hashMismatch)
        let items = policy.notifications(
            changes: [(before: .pending, after: mismatch)], statusBefore: nil, statusAfter: mismatch,
            lastProblemAlert: [:], now: at("2026-11-21T03:00:00Z"))
        #expect(summary(items) == ["mail HASH_MISMATCH 1"])
    }

    @Test func missingOccurrencesOfOneScanAreGrouped() {
        let missing = (21...23).map { Self.record($0, .missing, message: "no status file") }
        let items = policy.notifications(
            changes: missing.reversed().map { (before: nil, after: $0) }, statusBefore: nil, statusAfter: missing.last,
            lastProblemAlert: [:], now: at("2026-11-23T06:00:00Z"))
        #expect(summary(items) == ["mail MISSING 3", "chat MISSING 3"])
        #expect(items[0].alert.occurrences.map(\.scheduledAt) == missing.map(\.occurrence.scheduledAt))
        #expect(items[0].dedupKey == "db/mail/MISSING/2026-11-21T01:00:00Z/2026-11-23T01:00:00Z")
    }

    @Test func backToSuccessIsResolvedOnlyWhereSendResolvedAndTheProblemWasReceived() {
        let failed = Self.record(21, .failed)
        let success = Self.record(22, .success)
        let items = policy.notifications(
            changes: [(before: .pending, after: success)], statusBefore: failed, statusAfter: success,
            lastProblemAlert: ["mail": at("2026-11-21T03:00:00Z")], now: at("2026-11-22T03:00:00Z"))
        #expect(summary(items) == ["mail RESOLVED 1"])  // chat has send_resolved: false
        let afterMismatch = policy.notifications(
            changes: [(before: .pending, after: success)], statusBefore: Self.record(21, .hashMismatch),
            statusAfter: success, lastProblemAlert: [:], now: at("2026-11-22T03:00:00Z"))
        #expect(summary(afterMismatch) == ["mail RESOLVED 1"])
        let afterSuccess = policy.notifications(
            changes: [(before: .pending, after: success)], statusBefore: Self.record(21, .success),
            statusAfter: success, lastProblemAlert: [:], now: at("2026-11-22T03:00:00Z"))
        #expect(afterSuccess.isEmpty)
    }

    @Test func aReminderComesEveryRepeatIntervalWhileStillBad() {
        let failed = Self.record(21, .failed, message: "disk full")
        let early = policy.notifications(
            changes: [], statusBefore: failed, statusAfter: failed,
            lastProblemAlert: ["mail": at("2026-11-21T03:00:00Z")], now: at("2026-11-21T14:59:59Z"))
        #expect(early.isEmpty)
        let due = policy.notifications(
            changes: [], statusBefore: failed, statusAfter: failed,
            lastProblemAlert: ["mail": at("2026-11-21T03:00:00Z")], now: at("2026-11-21T15:00:00Z"))
        #expect(summary(due) == ["mail REMINDER 1"])  // chat has no repeat_interval
        #expect(due[0].alert.message == "still FAILED: disk full")
        #expect(due[0].dedupKey == "db/mail/REMINDER/2026-11-21T15:00:00Z")
    }

    @Test func aJobWithoutRoutesTellsNobody() {
        let silent = AlertPolicy(job: Self.job, routes: [], publicURL: nil)
        let failed = Self.record(21, .failed)
        #expect(
            silent.notifications(
                changes: [(before: nil, after: failed)], statusBefore: nil, statusAfter: failed,
                lastProblemAlert: [:], now: at("2026-11-21T03:00:00Z")
            ).isEmpty)
    }
}

/// Routes by label (SPEC §16): a route's `match:` selects jobs by their labels, besides the
/// jobs that list it in `routes:`.
@Suite struct RouteMatchTests {
    static func route(_ name: String, match: [String: [String]]? = nil) -> AlertRoute {
        var route = AlertRoute(name: name, channel: .webhook(.init(target: .url("https://hooks.example.com/\(name)"))))
        route.match = match
        return route
    }

    static func job(labels: [String: String], routes: [String] = []) -> Job {
        Job(
            name: "db", destination: "nas", schedule: try! CronSchedule(parsing: "@daily"), window: TimeSpan(seconds: 3_600), routes: routes,
            labels: labels)
    }

    @Test func everyKeyMustMatchOneOfItsValues() {
        let route = Self.route("data", match: ["team": ["data"], "env": ["prod", "staging"]])
        #expect(route.matches(labels: ["team": "data", "env": "prod", "tier": "1"]))
        #expect(route.matches(labels: ["team": "data", "env": "staging"]))
        #expect(!route.matches(labels: ["team": "data", "env": "dev"]))
        #expect(!route.matches(labels: ["team": "data"]), "a key the job lacks does not match")
        #expect(!Self.route("plain").matches(labels: ["team": "data"]), "no match: only the jobs that list it")
    }

    @Test func aJobHearsItsOwnRoutesThenTheMatchingOnesEachOnce() {
        let routes = [
            Self.route("zeta", match: ["team": ["data"]]), Self.route("alpha", match: ["team": ["data"]]), Self.route("ops"),
            Self.route("web", match: ["team": ["web"]]),
        ]
        let job = Self.job(labels: ["team": "data"], routes: ["ops", "zeta"])
        #expect(AlertRoute.reaching(job, among: routes).map(\.name) == ["ops", "zeta", "alpha"])
        #expect(AlertRoute.reaching(Self.job(labels: [:]), among: routes).isEmpty)
    }

    @Test func theStoredFormOfARouteWithoutMatchIsUnchanged() throws {
        let encoded = String(decoding: try JSONEncoder.canonical.encode(Self.route("ops")), as: UTF8.self)
        #expect(!encoded.contains("match"), "states applied before plan no change: \(encoded)")
        let matched = try JSONEncoder.canonical.encode(Self.route("data", match: ["team": ["data"]]))
        #expect(try JSONDecoder().decode(AlertRoute.self, from: matched).match == ["team": ["data"]])
    }
}
