import Foundation
import MonitorTestSupport
import Testing

@testable import MonitorCore

/// Every rule of SPEC §4 as a table over the pure decision: a ledger, a status-file outcome and
/// `now` in; the ledger update and the notifications out. No disk, no database.
@Suite struct JobScanTests {
    /// Daily at 02:00 UTC with a 3 h window, applied on 2026-11-20 at noon: the first expected
    /// occurrence is 2026-11-21T02:00Z.
    static let active = ActiveJob(
        job: Job(
            name: "db", destination: "nas", schedule: try! CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 10_800),
            routes: ["ops"]),
        destination: Destination(name: "nas", path: "/srv/backups"), activeSince: at("2026-11-20T12:00:00Z"))
    static let route = AlertRoute(name: "ops", channel: .webhook(.init(target: .url("https://hooks.example.com/x"))))
    static let policy = AlertPolicy(job: active.job, routes: [route], publicURL: nil)
    static let emptyLedger = JobLedger(lastKnown: nil, pending: [], statusKnown: false, latestDecided: nil, lastProblemAlert: [:])

    static func occurrence(_ scheduled: String) -> Occurrence {
        Occurrence(scheduledAt: at(scheduled), windowEnd: at(scheduled).addingTimeInterval(10_800))
    }

    static func evidence(_ verdict: Verdict, finishedAt: String?, instant: String? = nil, message: String? = nil) -> StatusOutcome {
        let finished = finishedAt.map(at)
        let record = StatusFileRecord(
            sha256: "hash-\(verdict.rawValue)-\(finishedAt ?? "none")", scheduledAt: nil, status: nil,
            finishedAt: finished, receivedAt: at("2026-11-21T00:00:00Z"), verdict: verdict, message: message)
        return .evidence(
            StatusEvidence(
                evidence: Evidence(finishedAt: finished, verdict: verdict, message: message, versionID: nil),
                record: record, instant: (instant ?? finishedAt).map(at)!))
    }

    static func decide(
        ledger: JobLedger = emptyLedger, _ outcome: StatusOutcome = .nothing, attributedRow: OccurrenceRecord? = nil,
        destinationPresent: Bool = true, now: String
    ) -> JobScanResult? {
        let input = JobScanInput(
            job: active, ledger: ledger, outcome: outcome, attributedRows: attributedRow.map { [$0] } ?? [],
            destinationPresent: destinationPresent, policy: policy, now: at(now))
        guard case .decided(let result) = JobScan.decide(input) else { return nil }
        return result
    }

    /// `scheduled_at STATE` of each occurrence row the update writes.
    static func rows(_ result: JobScanResult?) -> [String] {
        (result?.update.occurrences ?? []).map { "\(Timestamp.string($0.occurrence.scheduledAt)) \($0.state.rawValue)\($0.late ? " late" : "")" }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var rule: String
        var ledger: JobLedger = JobScanTests.emptyLedger
        var outcome: StatusOutcome = .nothing
        var attributedRow: OccurrenceRecord?
        var destinationPresent = true
        var now: String
        var rows: [String]
        var verdicts: Int
        var events: [String] = []
        var testDescription: String { rule }
    }

    static let decided = OccurrenceRecord(
        occurrence: occurrence("2026-11-21T02:00:00Z"), state: .failed, finishedAt: at("2026-11-21T02:10:00Z"),
        message: "first try")
    static let afterFirst = JobLedger(
        lastKnown: at("2026-11-21T02:00:00Z"), pending: [], statusKnown: false, latestDecided: decided,
        lastProblemAlert: ["ops": at("2026-11-21T02:15:00Z")])

    static let cases: [Case] = [
        Case(
            rule: "PENDING: the window is open and no status file yet", now: "2026-11-21T03:00:00Z",
            rows: ["2026-11-21T02:00:00Z PENDING"], verdicts: 0),
        Case(
            rule: "MISSING: the window ended without a status file", now: "2026-11-21T05:00:00Z",
            rows: ["2026-11-21T02:00:00Z MISSING"], verdicts: 1, events: ["MISSING"]),
        Case(
            rule: "SUCCESS: attributed to the latest occurrence at or before finished_at",
            outcome: evidence(.success, finishedAt: "2026-11-21T02:17:45Z"), now: "2026-11-21T03:00:00Z",
            rows: ["2026-11-21T02:00:00Z SUCCESS"], verdicts: 1),
        Case(
            rule: "FAILED: the producer reported FAILED", outcome: evidence(.failed, finishedAt: "2026-11-21T02:05:00Z"),
            now: "2026-11-21T03:00:00Z", rows: ["2026-11-21T02:00:00Z FAILED"], verdicts: 1, events: ["FAILED"]),
        Case(
            rule: "FAILED: an invalid file is attributed by its readable finished_at, not by when it was seen",
            outcome: evidence(.failed, finishedAt: nil, instant: "2026-11-21T02:30:00Z"), now: "2026-11-23T12:00:00Z",
            rows: ["2026-11-21T02:00:00Z FAILED", "2026-11-22T02:00:00Z MISSING", "2026-11-23T02:00:00Z MISSING"], verdicts: 3,
            events: ["MISSING", "FAILED"]),
        Case(
            rule: "HASH_MISMATCH: nothing promoted", outcome: evidence(.hashMismatch, finishedAt: "2026-11-21T02:20:00Z"),
            now: "2026-11-21T03:00:00Z", rows: ["2026-11-21T02:00:00Z HASH_MISMATCH"], verdicts: 1, events: ["HASH_MISMATCH"]),
        Case(
            rule: "late: a status file for an occurrence already MISSING replaces it, marked late",
            ledger: JobLedger(
                lastKnown: at("2026-11-21T02:00:00Z"), pending: [], statusKnown: false,
                latestDecided: OccurrenceRecord(occurrence: occurrence("2026-11-21T02:00:00Z"), state: .missing), lastProblemAlert: [:]),
            outcome: evidence(.success, finishedAt: "2026-11-21T06:00:00Z"),
            attributedRow: OccurrenceRecord(occurrence: occurrence("2026-11-21T02:00:00Z"), state: .missing),
            now: "2026-11-21T06:15:00Z", rows: ["2026-11-21T02:00:00Z SUCCESS late"], verdicts: 1, events: ["RESOLVED"]),
        Case(
            rule: "retry: a later finished_at gives the verdict", ledger: afterFirst,
            outcome: evidence(.success, finishedAt: "2026-11-21T02:40:00Z"), attributedRow: decided,
            now: "2026-11-21T02:45:00Z", rows: ["2026-11-21T02:00:00Z SUCCESS"], verdicts: 1, events: ["RESOLVED"]),
        Case(
            rule: "retry: an earlier finished_at is recorded but does not change the verdict", ledger: afterFirst,
            outcome: evidence(.success, finishedAt: "2026-11-21T02:01:00Z"), attributedRow: decided,
            now: "2026-11-21T02:45:00Z", rows: [], verdicts: 0),
        Case(
            rule: "processed once: with no new status file a decided occurrence is left alone", ledger: afterFirst,
            now: "2026-11-21T04:00:00Z", rows: [], verdicts: 0),
        Case(
            rule: "expected occurrences start with the first apply; an earlier run counts once reported",
            outcome: evidence(.failed, finishedAt: "2026-11-20T12:30:00Z"), now: "2026-11-20T12:31:00Z",
            rows: ["2026-11-20T02:00:00Z FAILED"], verdicts: 1, events: ["FAILED"]),
        Case(
            rule: "catch-up: three days of downtime give three MISSING in one notification", now: "2026-11-23T12:00:00Z",
            rows: ["2026-11-21T02:00:00Z MISSING", "2026-11-22T02:00:00Z MISSING", "2026-11-23T02:00:00Z MISSING"], verdicts: 3,
            events: ["MISSING"]),
        Case(
            rule: "a time after now never opens an occurrence that has not started",
            outcome: evidence(.success, finishedAt: "2026-11-21T03:04:00Z"), now: "2026-11-21T03:00:00Z",
            rows: ["2026-11-21T02:00:00Z SUCCESS"], verdicts: 1),
        Case(
            rule: "MISSING says so when the destination is not mounted", destinationPresent: false, now: "2026-11-21T05:00:00Z",
            rows: ["2026-11-21T02:00:00Z MISSING"], verdicts: 1, events: ["MISSING"]),
    ]

    @Test(arguments: cases)
    func rule(_ test: Case) throws {
        let result = try #require(
            Self.decide(
                ledger: test.ledger, test.outcome, attributedRow: test.attributedRow,
                destinationPresent: test.destinationPresent, now: test.now))
        #expect(Self.rows(result) == test.rows)
        #expect(result.verdicts.count == test.verdicts)
        #expect(result.update.notifications.map(\.alert.event.rawValue) == test.events)
        if case .evidence = test.outcome {
            #expect(result.update.statusFiles.count == 1, "the status file is recorded, keyed by its hash")
        }
    }

    @Test func theMissingMessageNamesTheCause() throws {
        let mounted = try #require(Self.decide(now: "2026-11-21T05:00:00Z"))
        #expect(mounted.update.occurrences.first?.message == "no status file arrived before the window ended")
        let unmounted = try #require(Self.decide(destinationPresent: false, now: "2026-11-21T05:00:00Z"))
        #expect(unmounted.update.occurrences.first?.message?.contains("/srv/backups does not exist (storage not mounted?)") == true)
    }

    @Test func theStatusFileRecordIsKeyedToItsOccurrence() throws {
        let result = try #require(Self.decide(Self.evidence(.success, finishedAt: "2026-11-21T02:17:45Z"), now: "2026-11-21T03:00:00Z"))
        #expect(result.update.statusFiles.first?.scheduledAt == at("2026-11-21T02:00:00Z"))
    }

    @Test func aTemporaryFaultDecidesNothing() {
        let input = JobScanInput(
            job: Self.active, ledger: Self.emptyLedger, outcome: .postponed("cannot read staging/STATUS.json: Too many open files"),
            attributedRows: [], destinationPresent: true, policy: Self.policy, now: at("2026-11-23T12:00:00Z"))
        guard case .postponed(let problem) = JobScan.decide(input) else {
            Issue.record("a temporary fault must decide nothing, not even the MISSING that are due")
            return
        }
        #expect(problem.contains("Too many open files"))
    }

    @Test func aPromotionThatMustBeRetriedIsNotRecorded() throws {
        let outcome = StatusOutcome.evidence(
            StatusEvidence(
                evidence: Evidence(finishedAt: at("2026-11-21T02:17:45Z"), verdict: .failed, message: "promotion failed: disk full", versionID: nil),
                record: nil, instant: at("2026-11-21T02:17:45Z")))
        let result = try #require(Self.decide(outcome, now: "2026-11-21T03:00:00Z"))
        #expect(result.update.statusFiles.isEmpty, "not recorded: processed again at the next scan")
        #expect(Self.rows(result) == ["2026-11-21T02:00:00Z FAILED"])
    }

    // MARK: - SPEC §13: runs from a source other than the status file

    /// The runs a source (restic, borg, pings) lists, as the scanner hands them over.
    static func runs(_ finished: [String], unreadable: String? = nil) -> StatusOutcome {
        .runs(
            finished.map { finishedAt in
                guard case .evidence(let evidence) = evidence(.success, finishedAt: finishedAt) else { fatalError("evidence(...) gives .evidence") }
                return evidence
            }, unreadable: unreadable)
    }

    @Test func severalRunsInOneScanEachLandOnTheirOccurrence() throws {
        // Two nightly snapshots found at once (the source was read for the first time in two days).
        let result = try #require(
            Self.decide(Self.runs(["2026-11-21T02:10:00Z", "2026-11-22T02:20:00Z"]), now: "2026-11-22T06:00:00Z"))
        #expect(Self.rows(result) == ["2026-11-21T02:00:00Z SUCCESS", "2026-11-22T02:00:00Z SUCCESS"])
        #expect(result.update.statusFiles.map(\.scheduledAt) == [at("2026-11-21T02:00:00Z"), at("2026-11-22T02:00:00Z")])
    }

    @Test func twoRunsForOneOccurrenceTheLaterOneGivesTheVerdict() throws {
        let result = try #require(
            Self.decide(Self.runs(["2026-11-21T02:40:00Z", "2026-11-21T02:10:00Z"]), now: "2026-11-21T06:00:00Z"))
        #expect(Self.rows(result) == ["2026-11-21T02:00:00Z SUCCESS"])
        #expect(result.update.occurrences.first?.finishedAt == at("2026-11-21T02:40:00Z"))
        #expect(result.update.statusFiles.count == 2, "every run is recorded once, so that it is not read again")
    }

    @Test func aSourceThatCannotBeReadFailsTheOccurrencesWhoseWindowEnds() throws {
        let reason = "restic: Fatal: wrong password or no key found"
        let ended = try #require(Self.decide(Self.runs([], unreadable: reason), now: "2026-11-21T06:00:00Z"))
        #expect(Self.rows(ended) == ["2026-11-21T02:00:00Z FAILED"])
        #expect(ended.update.occurrences.first?.message == reason)
        // While the window is open, an unreadable source decides nothing yet.
        let open = try #require(Self.decide(Self.runs([], unreadable: reason), now: "2026-11-21T03:00:00Z"))
        #expect(Self.rows(open) == ["2026-11-21T02:00:00Z PENDING"])
        // Readable and empty: MISSING, as for a status file that never came.
        let absent = try #require(Self.decide(Self.runs([]), now: "2026-11-21T06:00:00Z"))
        #expect(Self.rows(absent) == ["2026-11-21T02:00:00Z MISSING"])
    }

    @Test func aMissingRunSaysWhatTheJobsSourceShouldHaveBrought() throws {
        var restic = Self.active
        restic.job.source = .restic(ResticSource(repository: "/srv/restic", passwordEnv: "RESTIC_PASSWORD_DB"))
        let input = JobScanInput(
            job: restic, ledger: Self.emptyLedger, outcome: .runs([], unreadable: nil), attributedRows: [], destinationPresent: false,
            policy: Self.policy, now: at("2026-11-21T06:00:00Z"))
        guard case .decided(let result) = JobScan.decide(input) else {
            Issue.record("a readable source with no new run decides MISSING")
            return
        }
        #expect(Self.rows(result) == ["2026-11-21T02:00:00Z MISSING"])
        // Not the status file's words, nor the unmounted destination's: a restic job has no staging folder.
        #expect(result.update.occurrences.first?.message == "no new restic snapshot appeared before the window ended")
    }

    @Test func jobStatusIsTheLatestDecidedVerdict() {
        #expect(VerdictRules.jobStatus(latestDecided: .failed, hasOpenWindow: true) == .failed)
        #expect(VerdictRules.jobStatus(latestDecided: nil, hasOpenWindow: true) == .pending)
        #expect(VerdictRules.jobStatus(latestDecided: nil, hasOpenWindow: false) == .new)
        #expect(VerdictRules.jobStatus(latestDecided: .pending, hasOpenWindow: false) == .new)
    }

    // MARK: - SPEC §15: SUSPICIOUS and STALE through the decision

    static func success(finishedAt: String, bytes: Int64, files: Int = 3, duration: TimeInterval? = nil) -> StatusOutcome {
        let finished = at(finishedAt)
        let record = StatusFileRecord(
            sha256: "hash-\(finishedAt)", scheduledAt: nil, status: .success, finishedAt: finished, receivedAt: finished, verdict: .success,
            message: "dump done")
        return .evidence(
            StatusEvidence(
                evidence: Evidence(
                    finishedAt: finished, verdict: .success, message: "dump done", versionID: "v-\(finishedAt)",
                    figures: RunFigures(bytes: bytes, files: files, duration: duration)),
                record: record, instant: finished))
    }

    static let fifteenNights = (0..<15).map { RunFigures(bytes: Int64(15_000_000 + $0 * 10_000), files: 3, duration: 2_400) }

    @Test func aSuccessFarBelowItsHistoryIsSuspiciousAndAlerted() throws {
        let ledger = JobLedger(
            lastKnown: nil, pending: [], statusKnown: false, latestDecided: nil, lastProblemAlert: [:], baseline: Self.fifteenNights)
        let result = try #require(
            Self.decide(ledger: ledger, Self.success(finishedAt: "2026-11-21T02:17:45Z", bytes: 1_200_000), now: "2026-11-21T03:00:00Z"))
        #expect(Self.rows(result) == ["2026-11-21T02:00:00Z SUSPICIOUS"])
        let row = try #require(result.update.occurrences.first)
        #expect(row.message?.hasPrefix("total size 1.1 MiB is 92 % below the median 14.4 MiB of the last 15 runs") == true, "\(row.message ?? "")")
        #expect(row.message?.hasSuffix("(the producer said: dump done)") == true)
        #expect(row.versionID == "v-2026-11-21T02:17:45Z", "a SUSPICIOUS run is promoted like a SUCCESS")
        #expect(result.update.statusFiles.first?.verdict == .suspicious)
        #expect(result.update.notifications.map(\.alert.event) == [.suspicious])
        #expect(row.figures?.bytes == 1_200_000, "the figures are recorded")
    }

    @Test func aNormalNightStaysSuccess() throws {
        let ledger = JobLedger(
            lastKnown: nil, pending: [], statusKnown: false, latestDecided: nil, lastProblemAlert: [:], baseline: Self.fifteenNights)
        let result = try #require(
            Self.decide(ledger: ledger, Self.success(finishedAt: "2026-11-21T02:17:45Z", bytes: 15_050_000), now: "2026-11-21T03:00:00Z"))
        #expect(Self.rows(result) == ["2026-11-21T02:00:00Z SUCCESS"])
        #expect(result.update.notifications.isEmpty)
    }

    @Test func anEmptyDumpIsSuspiciousFromTheFirstRun() throws {
        let result = try #require(Self.decide(Self.success(finishedAt: "2026-11-21T02:17:45Z", bytes: 0, files: 1), now: "2026-11-21T03:00:00Z"))
        #expect(Self.rows(result) == ["2026-11-21T02:00:00Z SUSPICIOUS"])
        #expect(result.update.occurrences.first?.message?.hasPrefix("the files total 0 bytes") == true)
    }

    static func staleJob(maxAge: Int64) -> (ActiveJob, AlertPolicy) {
        var active = Self.active
        active.job.maxAge = TimeSpan(seconds: maxAge)
        return (active, AlertPolicy(job: active.job, routes: [Self.route], publicURL: nil))
    }

    @Test func aJobWithoutAFreshVersionTurnsStaleOnceThenResolves() throws {
        let (active, policy) = Self.staleJob(maxAge: 26 * 3_600)
        let lastGood = OccurrenceRecord(
            occurrence: Self.occurrence("2026-11-21T02:00:00Z"), state: .success, finishedAt: at("2026-11-21T02:17:45Z"))
        // The next night's status file says FAILED: the job shows FAILED, and it is also stale by 04:17:45 the day after.
        let ledger = JobLedger(
            lastKnown: at("2026-11-23T02:00:00Z"), pending: [], statusKnown: true, latestDecided: lastGood, lastProblemAlert: [:],
            lastGood: at("2026-11-21T02:17:45Z"))
        func decide(_ ledger: JobLedger, _ outcome: StatusOutcome = .nothing, now: String) throws -> JobScanResult {
            let input = JobScanInput(
                job: active, ledger: ledger, outcome: outcome, attributedRows: [], destinationPresent: true, policy: policy, now: at(now))
            guard case .decided(let result) = JobScan.decide(input) else { throw CancellationError() }
            return result
        }
        let early = try decide(ledger, now: "2026-11-22T04:00:00Z")
        #expect(early.update.notifications.isEmpty, "not yet older than max_age")
        let stale = try decide(ledger, now: "2026-11-22T04:30:00Z")
        #expect(stale.update.notifications.map(\.alert.event) == [.stale])
        #expect(stale.update.notifications.first?.dedupKey == "db/ops/STALE/2026-11-22T04:17:45Z")
        #expect(stale.update.notifications.first?.alert.message?.contains("max_age 1d2h") == true)
        var told = ledger
        told.staleAlertedAt = at("2026-11-22T04:30:00Z")
        #expect(try decide(told, now: "2026-11-22T05:00:00Z").update.notifications.isEmpty, "one event per stale period")
        // A fresh SUCCESS lands: RESOLVED.
        told.statusKnown = false
        let fresh = try decide(told, Self.success(finishedAt: "2026-11-23T02:20:00Z", bytes: 15_000_000), now: "2026-11-23T02:30:00Z")
        #expect(fresh.update.notifications.map(\.alert.event) == [.resolved])
        #expect(fresh.stale == .ended)
    }
}
