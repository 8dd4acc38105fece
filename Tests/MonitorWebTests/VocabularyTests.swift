import Foundation
import GRDB
import MonitorStore
import MonitorTestSupport
import Testing

@testable import MonitorCore
@testable import MonitorWeb

/// Every verdict, job status, event and channel kind is accepted by each place that stores,
/// decides, encodes or shows them, so that a new case cannot be forgotten silently: this
/// suite fails until every place knows it.
@Suite(.enabled(if: TestState.isSQLite, "about the SQLite file")) struct VocabularyTests {
    @Test(arguments: Verdict.allCases)
    func theStateStoresAndReadsBackEveryVerdict(_ verdict: Verdict) throws {
        let fixture = try WebFixture()
        let scheduled = at("2026-11-19T02:00:00Z")
        var update = JobLedgerUpdate(job: "idle")
        update.occurrences = [
            OccurrenceRecord(
                occurrence: Occurrence(scheduledAt: scheduled, windowEnd: scheduled.addingTimeInterval(10_800)),
                state: verdict, message: "set by the test")
        ]
        try fixture.store.record(update, at: at(WebFixture.scanTime))
        #expect(try fixture.store.occurrence(job: "idle", scheduledAt: scheduled)?.state == verdict)
    }

    @Test(arguments: Verdict.problems)
    func thePolicyTellsARouteOfEveryProblemItListsUnderItsOwnName(_ verdict: Verdict) {
        let job = Job(
            name: "db", destination: "nas", schedule: try! CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 3_600), routes: ["r"])
        let route = AlertRoute(name: "r", channel: .webhook(.init(target: .url("https://hooks.example.com/x"))), on: [.verdict(verdict)])
        let scheduled = at("2026-11-21T02:00:00Z")
        let record = OccurrenceRecord(occurrence: Occurrence(scheduledAt: scheduled, windowEnd: scheduled.addingTimeInterval(3_600)), state: verdict)
        let items = AlertPolicy(job: job, routes: [route], publicURL: nil).notifications(
            changes: [(before: .pending, after: record)], statusBefore: nil, statusAfter: record, lastProblemAlert: [:],
            now: at("2026-11-21T04:00:00Z"))
        #expect(items.map(\.alert.event) == [.problem(.verdict(verdict))])
        #expect(items.first?.dedupKey.contains("/\(verdict.rawValue)/") == true)
    }

    @Test(arguments: NotificationEvent.allCases)
    func everyEventRoundTripsThroughItsStoredName(_ event: NotificationEvent) throws {
        #expect(NotificationEvent(rawValue: event.rawValue) == event)
        let encoded = try JSONEncoder().encode([event])
        #expect(try JSONDecoder().decode([NotificationEvent].self, from: encoded) == [event])
    }

    @Test(arguments: JobStatus.allCases)
    func everyStatusIsEncodedStyledAndScripted(_ status: JobStatus) throws {
        #expect(JobStatus(rawValue: status.rawValue) == status)
        let json = try JSONEncoder().encode([status])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(status.rawValue)\"]")
        #expect(
            DashboardStyle.css.contains(".s-\(status.rawValue) ") || DashboardStyle.css.contains(".s-\(status.rawValue),"),
            "the dashboard has no colour for \(status.rawValue)")
        #expect(DashboardScript.js.contains("'\(status.rawValue)'"), "the dashboard script does not know \(status.rawValue)")
        if let problem = status.problem {
            #expect(DashboardScript.js.contains(problem.advice), "the dashboard does not say what to do about \(status.rawValue)")
        }
        #expect(ReportRenderer.html(Self.report(with: status)).contains("s-\(status.rawValue)"), "the report does not mark \(status.rawValue)")
        #expect(
            ReportStyle.css.contains(".s-\(status.rawValue) ") || ReportStyle.css.contains(".s-\(status.rawValue),"),
            "the report has no colour for \(status.rawValue)")
    }

    @Test func everyChannelKindIsStoredUnderItsOwnName() throws {
        let fixture = try WebFixture()
        let routes = [
            AlertRoute(
                name: "mail",
                channel: .email(
                    .init(
                        to: [try EmailAddress(parsing: "ops@example.com")], from: try EmailAddress(parsing: "m@example.com"),
                        smtpURL: "smtp://127.0.0.1:25"))),
            AlertRoute(name: "hook", channel: .webhook(.init(target: .url("https://hooks.example.com/x")))),
            AlertRoute(name: "phone", channel: .url(.init(target: .url(try NotificationURL(parsing: "ntfys://ntfy.example.com/backups"))))),
        ]
        #expect(Set(routes.map(\.channel.kind)) == Set(AlertRoute.Channel.kinds))
        let settings = Settings(state: fixture.store.path)
        try fixture.store.apply(
            DesiredState(
                settings: settings, destinations: [Destination(name: "nas", path: fixture.backups.path)],
                routes: routes, jobs: try WebFixture.jobs()),
            baseRevision: 1,
            context: ApplyContext(
                configPath: "/etc/monitor.yaml", git: nil, user: "test", host: "h",
                now: at(WebFixture.scanTime)))
        let applied = try #require(try fixture.store.appliedState().desired)
        #expect(applied.routes.sorted { $0.name < $1.name }.map(\.channel) == routes.sorted { $0.name < $1.name }.map(\.channel))
        let stored = try DatabaseQueue(path: fixture.store.path).read { db in
            try Row.fetchAll(db, sql: "SELECT name, channel FROM alert_route ORDER BY name").map {
                "\($0["name"] as String) \($0["channel"] as String)"
            }
        }
        #expect(stored == ["hook webhook", "mail email", "phone url"])
    }

    static func report(with status: JobStatus) -> ReportModel {
        let job = Job(name: "db", destination: "nas", schedule: try! CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 3_600))
        let view = JobView(job: job, status: status, lastSuccessAt: nil, currentVersion: nil, latest: nil, next: nil)
        return ReportModel(
            generatedAt: at("2026-11-21T04:00:00Z"), days: 30, revision: nil, verdictCounts: [:],
            jobs: [ReportJob(view: view, recent: [], sizes: [])])
    }
}
