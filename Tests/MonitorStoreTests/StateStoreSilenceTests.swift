import Foundation
import GRDB
import MonitorCore
import MonitorTestSupport
import Testing

@testable import MonitorStore

/// Silences in the state and silenced rows of the outbox (SPEC §16), on real SQLite files.
@Suite struct StateStoreSilenceTests {
    let store: StateStore

    init() throws {
        let folder = NSTemporaryDirectory() + "monitor-silences-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        store = try StateStore.open(path: TestState.location(folder + "/s.sqlite"), create: true)
        try store.apply(
            Samples.desired(), baseRevision: 0,
            context: ApplyContext(configPath: "/etc/monitor.yaml", git: nil, user: "ops", host: "h", now: Self.time("2026-11-20T12:00:00Z")))
    }

    static func time(_ text: String) -> Date { Timestamp.parse(text)! }

    @Test func silencesAreAddedListedAndExpired() throws {
        let first = try store.addSilence(
            Silence(match: SilenceMatch(job: "db"), from: nil, until: Self.time("2026-11-21T04:00:00Z"), reason: "disk swap"),
            at: Self.time("2026-11-21T02:00:00Z"), by: "ops")
        let later = try store.addSilence(
            Silence(
                match: SilenceMatch(labels: ["team": ["data", "web"]]), from: Self.time("2026-11-22T00:00:00Z"),
                until: Self.time("2026-11-23T00:00:00Z"), reason: "migration"),
            at: Self.time("2026-11-21T02:00:00Z"), by: "ops")
        #expect(first.id == 1 && later.id == 2)
        let listed = try store.silences(at: Self.time("2026-11-21T03:00:00Z"))
        #expect(listed.map(\.silence) == [first.silence, later.silence])
        #expect(listed.first?.createdBy == "ops")

        guard case .expired(let expired) = try store.expireSilence(id: 2, at: Self.time("2026-11-21T05:00:00Z")) else {
            Issue.record("silence 2 was not expired")
            return
        }
        // It had not started: it ends before it starts, and never holds.
        #expect(expired.silence.until == Self.time("2026-11-21T05:00:00Z"))
        #expect(expired.silence.from == Self.time("2026-11-21T05:00:00Z"))
        #expect(try store.silences(at: Self.time("2026-11-21T05:00:00Z")).isEmpty)
        let all = try store.silences(at: Self.time("2026-11-21T05:00:00Z"), includingEnded: true)
        #expect(all.map(\.id) == [1, 2])
        #expect(all.last?.expiredAt == Self.time("2026-11-21T05:00:00Z"))
        #expect(try store.expireSilence(id: 1, at: Self.time("2026-11-21T05:00:00Z")) == .alreadyEnded(all[0]))
        #expect(try store.expireSilence(id: 9, at: Self.time("2026-11-21T05:00:00Z")) == .unknown)
    }

    @Test func aSilencedNotificationIsRecordedButNeverClaimedAndMarksItsOccurrence() throws {
        let scheduled = Self.time("2026-11-21T02:00:00Z")
        let occurrence = Occurrence(scheduledAt: scheduled, windowEnd: scheduled.addingTimeInterval(10_800))
        func alert(_ state: String) -> Alert {
            Alert(
                event: .failed, job: "db", state: state, occurrences: [occurrence], message: nil, labels: [:], destination: "nas",
                timezone: "UTC", jobDescription: nil, url: nil, createdAt: scheduled)
        }
        var update = JobLedgerUpdate(job: "db")
        update.occurrences = [OccurrenceRecord(occurrence: occurrence, state: .failed)]
        update.notifications = [
            OutboxItem(route: "quiet", dedupKey: "db/quiet/FAILED", alert: alert("FAILED"), silenced: true),
            OutboxItem(route: "loud", dedupKey: "db/loud/FAILED", alert: alert("FAILED")),
        ]
        try store.record(update, at: Self.time("2026-11-21T03:00:00Z"))

        let due = try store.claimDueNotifications(now: Self.time("2026-11-30T00:00:00Z"), claimUntil: Self.time("2026-11-30T00:01:00Z"))
        #expect(due.map(\.route) == ["loud"])
        #expect(try store.outboxCounts().pending == 1, "the loud one, claimed and not yet delivered; never the silenced one")
        #expect(try store.occurrence(job: "db", scheduledAt: scheduled)?.silenced == true)
        // The ledger tells the next scan which routes' latest problem alert was silenced.
        let ledger = try store.ledgers(for: [(job: "db", statusSHA256: nil)])
        #expect(ledger.first?.silencedProblemRoutes == ["quiet"])
        #expect(Set(ledger.first?.lastProblemAlert.keys.map { $0 } ?? []) == ["quiet", "loud"])
    }

    @Test func aSkippedOccurrenceIsPassedOverForTheJobsStatus() throws {
        func record(_ day: String, _ state: Verdict) -> OccurrenceRecord {
            let scheduled = Self.time("2026-11-\(day)T02:00:00Z")
            return OccurrenceRecord(occurrence: Occurrence(scheduledAt: scheduled, windowEnd: scheduled.addingTimeInterval(10_800)), state: state)
        }
        var update = JobLedgerUpdate(job: "db")
        update.occurrences = [record("21", .failed), record("22", .skipped)]
        try store.record(update, at: Self.time("2026-11-22T06:00:00Z"))
        #expect(try store.ledgers(for: [(job: "db", statusSHA256: nil)]).first?.latestDecided?.state == .failed)
        let view = try store.jobViews(now: Self.time("2026-11-22T06:00:00Z"), named: ["db"]).first
        #expect(view?.status == .failed)
        #expect(view?.latest?.record.state == .skipped)
    }
}
