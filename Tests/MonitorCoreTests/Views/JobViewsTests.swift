import Foundation
import MonitorTestSupport
import Testing

@testable import MonitorCore

/// Job views are decided in the domain from plain ledger records: the status, the next
/// occurrence, and how long the answer holds by the clock alone.
@Suite struct JobViewsTests {
    static let active = ActiveJob(
        job: Job(name: "db", destination: "nas", schedule: try! CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 10_800)),
        destination: Destination(name: "nas", path: "/srv/backups"), activeSince: at("2026-11-20T12:00:00Z"))

    static func records(newest: OccurrenceRecord? = nil, decided: OccurrenceRecord? = nil, open: Date? = nil) -> JobRecords {
        JobRecords(
            active: active, newest: newest, latestDecided: decided, lastSuccessAt: nil, currentVersion: nil,
            openWindowCloses: open, occurrences: nil)
    }

    @Test func aJobWithNothingDecidedIsNewOrPendingWhileAWindowIsOpen() {
        let (idle, idleUntil) = JobViews.build([Self.records()], now: at("2026-11-20T13:00:00Z"))
        #expect(idle.first?.status == .new)
        #expect(idleUntil == at("2026-11-21T02:00:00Z"), "holds until the next occurrence starts")

        let pending = OccurrenceRecord(occurrence: Occurrence(scheduledAt: at("2026-11-21T02:00:00Z"), windowEnd: at("2026-11-21T05:00:00Z")))
        let (waiting, waitingUntil) = JobViews.build(
            [Self.records(newest: pending, open: at("2026-11-21T05:00:00Z"))], now: at("2026-11-21T03:00:00Z"))
        #expect(waiting.first?.status == .pending)
        #expect(waitingUntil == at("2026-11-21T05:00:00Z"), "holds until the open window closes")
    }

    @Test func theStatusIsTheLatestDecidedVerdictWhateverIsPending() {
        let failed = OccurrenceRecord(
            occurrence: Occurrence(scheduledAt: at("2026-11-21T02:00:00Z"), windowEnd: at("2026-11-21T05:00:00Z")),
            state: .failed)
        let pending = OccurrenceRecord(occurrence: Occurrence(scheduledAt: at("2026-11-22T02:00:00Z"), windowEnd: at("2026-11-22T05:00:00Z")))
        let (views, _) = JobViews.build(
            [Self.records(newest: pending, decided: failed, open: at("2026-11-22T05:00:00Z"))],
            now: at("2026-11-22T03:00:00Z"))
        #expect(views.first?.status == .failed)
        #expect(views.first?.latest?.record == pending)
        #expect(views.first?.next?.occurrence.scheduledAt == at("2026-11-23T02:00:00Z"))
    }
}
