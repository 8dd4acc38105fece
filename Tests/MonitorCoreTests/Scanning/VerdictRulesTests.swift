import Foundation
import MonitorTestSupport
import Testing

@testable import MonitorCore

/// SPEC §4 as tables: occurrences, attribution, verdicts and the job status, without a disk.
@Suite struct VerdictRulesTests {
    static func schedule(_ cron: String, window: Int64 = 3 * 3600, zone: String = "UTC") -> OccurrenceSchedule {
        OccurrenceSchedule(
            job: Job(name: "db", destination: "nas", schedule: try! CronSchedule(parsing: cron), window: TimeSpan(seconds: window), timezone: zone))
    }

    struct Expected: Sendable, CustomTestStringConvertible {
        let name: String
        let cron: String
        let zone: String
        let activeSince: String
        let lastKnown: String?
        let now: String
        let scheduled: [String]
        var testDescription: String { name }
    }

    static let expectations: [Expected] = [
        Expected(
            name: "applied after today's window closed: first is tomorrow", cron: "0 2 * * *", zone: "UTC",
            activeSince: "2026-11-24T10:00:00Z", lastKnown: nil, now: "2026-11-25T03:00:00Z", scheduled: ["2026-11-25T02:00:00Z"]),
        Expected(
            name: "applied inside today's window: today's counts", cron: "0 2 * * *", zone: "UTC",
            activeSince: "2026-11-24T04:00:00Z", lastKnown: nil, now: "2026-11-24T04:00:00Z", scheduled: ["2026-11-24T02:00:00Z"]),
        Expected(
            name: "catch-up after three days of downtime", cron: "0 2 * * *", zone: "UTC",
            activeSince: "2026-11-01T00:00:00Z", lastKnown: "2026-11-21T02:00:00Z", now: "2026-11-24T12:00:00Z",
            scheduled: ["2026-11-22T02:00:00Z", "2026-11-23T02:00:00Z", "2026-11-24T02:00:00Z"]),
        Expected(
            name: "nothing new before the next instant", cron: "0 2 * * *", zone: "UTC",
            activeSince: "2026-11-01T00:00:00Z", lastKnown: "2026-11-24T02:00:00Z", now: "2026-11-25T01:59:59Z", scheduled: []),
        Expected(
            name: "Paris: 02:30 skipped by spring-forward fires at 03:00 CEST", cron: "30 2 * * *", zone: "Europe/Paris",
            activeSince: "2026-03-27T12:00:00Z", lastKnown: nil, now: "2026-03-29T12:00:00Z",
            scheduled: ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z"]),
        Expected(
            name: "Paris: 02:30 happening twice in autumn fires once", cron: "30 2 * * *", zone: "Europe/Paris",
            activeSince: "2026-10-24T12:00:00Z", lastKnown: nil, now: "2026-10-26T12:00:00Z",
            scheduled: ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]),
        Expected(
            name: "New York: 01:30 on fall-back day fires at its first instance", cron: "30 1 * * *", zone: "America/New_York",
            activeSince: "2026-10-31T12:00:00Z", lastKnown: nil, now: "2026-11-02T12:00:00Z",
            scheduled: ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]),
        Expected(
            name: "New York: 02:15 skipped in March fires at 03:00 EDT", cron: "15 2 * * *", zone: "America/New_York",
            activeSince: "2026-03-06T12:00:00Z", lastKnown: nil, now: "2026-03-08T12:00:00Z",
            scheduled: ["2026-03-07T07:15:00Z", "2026-03-08T07:00:00Z"]),
    ]

    @Test(arguments: expectations) func newOccurrences(_ example: Expected) {
        let result = Self.schedule(example.cron, zone: example.zone)
            .newOccurrences(activeSince: at(example.activeSince), lastKnown: example.lastKnown.map(at), now: at(example.now))
        #expect(result.occurrences.map { Timestamp.string($0.scheduledAt) } == example.scheduled)
        #expect(result.skipped == 0)
    }

    @Test func catchUpIsBounded() {
        let result = Self.schedule("* * * * *", window: 60)
            .newOccurrences(activeSince: at("2026-11-01T00:00:00Z"), lastKnown: at("2026-11-01T00:00:00Z"), now: at("2026-11-04T00:00:00Z"))
        #expect(result.occurrences.count == OccurrenceSchedule.catchUpLimit)
        #expect(result.skipped == 3 * 1440 - OccurrenceSchedule.catchUpLimit)
        #expect(result.occurrences.last.map { Timestamp.string($0.scheduledAt) } == "2026-11-04T00:00:00Z")
    }

    @Test func aStatusFileBelongsToTheLatestInstantAtOrBeforeItsFinish() {
        let paris = Self.schedule("0 2 * * *", zone: "Europe/Paris")
        // SPEC §3's example: finished 01:17:45Z = 02:17:45 in Paris, so the 02:00 Paris run.
        #expect(paris.attribute(finishedAt: at("2026-11-24T01:17:45Z"))?.scheduledAt == at("2026-11-24T01:00:00Z"))
        #expect(paris.attribute(finishedAt: at("2026-11-24T00:59:59Z"))?.scheduledAt == at("2026-11-23T01:00:00Z"))
        #expect(paris.attribute(finishedAt: at("2026-11-24T01:00:00Z"))?.scheduledAt == at("2026-11-24T01:00:00Z"))
    }

    static let occurrence = Occurrence(scheduledAt: at("2026-11-24T02:00:00Z"), windowEnd: at("2026-11-24T05:00:00Z"))

    @Test func pendingUntilTheWindowEndsThenMissing() {
        let pending = OccurrenceRecord(occurrence: Self.occurrence)
        #expect(VerdictRules.withoutEvidence(pending, now: at("2026-11-24T04:59:59Z")) == pending)
        let missing = VerdictRules.withoutEvidence(pending, now: at("2026-11-24T05:00:00Z"))
        #expect(missing.state == .missing)
        #expect(missing.message == "no status file arrived before the window ended")
        // A decided occurrence never goes back.
        #expect(VerdictRules.withoutEvidence(missing, now: at("2026-11-30T00:00:00Z")) == missing)
    }

    @Test func aLateArrivalReplacesMissingAndIsMarkedLate() {
        let missing = OccurrenceRecord(occurrence: Self.occurrence, state: .missing, message: "no status file")
        let late = VerdictRules.with(Evidence(finishedAt: at("2026-11-24T06:00:00Z"), verdict: .success, message: nil, versionID: "v1"), missing)
        #expect(late.state == .success)
        #expect(late.late)
        #expect(late.versionID == "v1")
    }

    @Test func theLatestFinishedAtGivesTheVerdictOfARetriedRun() {
        let pending = OccurrenceRecord(occurrence: Self.occurrence)
        let failed = VerdictRules.with(
            Evidence(finishedAt: at("2026-11-24T02:10:00Z"), verdict: .failed, message: "disk full", versionID: nil), pending)
        #expect(failed.state == .failed)
        let retried = VerdictRules.with(Evidence(finishedAt: at("2026-11-24T02:40:00Z"), verdict: .success, message: nil, versionID: "v2"), failed)
        #expect(retried.state == .success)
        #expect(!retried.late)
        // An older status file processed afterwards does not override the newer one.
        let stale = VerdictRules.with(Evidence(finishedAt: at("2026-11-24T02:20:00Z"), verdict: .hashMismatch, message: "x", versionID: nil), retried)
        #expect(stale == retried)
        // A broken status file (no finished_at) does not override a decided run either.
        let broken = VerdictRules.with(Evidence(finishedAt: nil, verdict: .failed, message: "invalid", versionID: nil), retried)
        #expect(broken == retried)
    }

    @Test(
        arguments: [
            (Verdict?.none, false, JobStatus.new), (nil, true, .pending), (.success, true, .success), (.missing, false, .missing),
            (.hashMismatch, false, .hashMismatch), (.failed, true, .failed),
        ] as [(Verdict?, Bool, JobStatus)])
    func jobStatus(latestDecided: Verdict?, openWindow: Bool, expected: JobStatus) {
        #expect(VerdictRules.jobStatus(latestDecided: latestDecided, hasOpenWindow: openWindow) == expected)
    }
}
