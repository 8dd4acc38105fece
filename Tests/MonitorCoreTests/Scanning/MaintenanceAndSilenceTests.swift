import Foundation
import MonitorTestSupport
import Testing

@testable import MonitorCore

/// Maintenance windows (SKIPPED instead of MISSING) and silences (recorded, never sent) as pure
/// decisions (SPEC §16): a job, a ledger and `now` in; rows and outbox items out.
@Suite struct MaintenanceAndSilenceTests {
    /// Daily at 02:00 UTC, 3 h window; maintenance every Sunday 01:00 UTC for 6 h (01:00–07:00).
    static func job(maintenance: [MaintenanceWindow]? = [sundays], silences: [Silence]? = nil) -> Job {
        var job = Job(
            name: "db", destination: "nas", schedule: try! CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 10_800),
            routes: ["ops"], labels: ["team": "data"])
        job.maintenance = maintenance
        job.silences = silences
        return job
    }

    static let sundays = MaintenanceWindow(schedule: try! CronSchedule(parsing: "0 1 * * SUN"), duration: TimeSpan(seconds: 21_600), timezone: "UTC")
    static let route = AlertRoute(name: "ops", channel: .webhook(.init(target: .url("https://hooks.example.com/x"))))
    static let emptyLedger = JobLedger(lastKnown: nil, pending: [], statusKnown: false, latestDecided: nil, lastProblemAlert: [:])

    static func decide(
        _ job: Job, ledger: JobLedger = emptyLedger, outcome: StatusOutcome = .nothing, attributedRows: [OccurrenceRecord] = [],
        stateSilences: [Silence] = [], now: String
    ) -> JobScanResult? {
        let active = ActiveJob(job: job, destination: Destination(name: "nas", path: "/srv/backups"), activeSince: at("2026-11-20T12:00:00Z"))
        var policy = AlertPolicy(job: job, routes: [route], publicURL: nil)
        policy.silences = stateSilences
        policy.silencedProblemRoutes = ledger.silencedProblemRoutes
        let input = JobScanInput(
            job: active, ledger: ledger, outcome: outcome, attributedRows: attributedRows, destinationPresent: true, policy: policy, now: at(now))
        guard case .decided(let result) = JobScan.decide(input) else { return nil }
        return result
    }

    static func rows(_ result: JobScanResult?) -> [String] {
        (result?.update.occurrences ?? []).map { "\(Timestamp.string($0.occurrence.scheduledAt)) \($0.state.rawValue)" }
    }

    // MARK: - Maintenance

    @Test func aWindowInsideMaintenanceIsSkippedAndOneOutsideIsMissing() {
        // Sat 21st and Mon 23rd are MISSING; Sun 22nd 02:00–05:00 lies inside 01:00–07:00.
        let result = Self.decide(Self.job(), now: "2026-11-23T06:00:00Z")
        #expect(
            Self.rows(result) == [
                "2026-11-21T02:00:00Z MISSING", "2026-11-22T02:00:00Z SKIPPED", "2026-11-23T02:00:00Z MISSING",
            ])
        // One grouped MISSING for the two missing runs; nothing about the skipped one.
        let items = result?.update.notifications ?? []
        #expect(items.map(\.alert.event) == [.missing])
        #expect(items.first?.alert.occurrences.map(\.scheduledAt) == [at("2026-11-21T02:00:00Z"), at("2026-11-23T02:00:00Z")])
    }

    @Test func withoutMaintenanceTheSameRunIsMissing() {
        let result = Self.decide(Self.job(maintenance: nil), now: "2026-11-22T06:00:00Z")
        #expect(Self.rows(result).last == "2026-11-22T02:00:00Z MISSING")
    }

    @Test func aWindowThatOutlastsMaintenanceIsMissing() {
        // 01:00–04:00 does not cover 02:00–05:00.
        let short = MaintenanceWindow(schedule: try! CronSchedule(parsing: "0 1 * * SUN"), duration: TimeSpan(seconds: 10_800), timezone: "UTC")
        let result = Self.decide(Self.job(maintenance: [short]), now: "2026-11-22T06:00:00Z")
        #expect(Self.rows(result).last == "2026-11-22T02:00:00Z MISSING")
    }

    @Test func periodsThatTouchJoin() {
        // 00:00–03:00 then 03:00–06:00: together they cover 02:00–05:00; neither alone does.
        let windows = [
            MaintenanceWindow(schedule: try! CronSchedule(parsing: "0 0 * * SUN"), duration: TimeSpan(seconds: 10_800), timezone: "UTC"),
            MaintenanceWindow(schedule: try! CronSchedule(parsing: "0 3 * * SUN"), duration: TimeSpan(seconds: 10_800), timezone: "UTC"),
        ]
        #expect(windows.cover(from: at("2026-11-22T02:00:00Z"), to: at("2026-11-22T05:00:00Z")))
        #expect(!windows.cover(from: at("2026-11-22T02:00:00Z"), to: at("2026-11-22T06:30:00Z")))
        #expect(![windows[0]].cover(from: at("2026-11-22T02:00:00Z"), to: at("2026-11-22T05:00:00Z")))
    }

    @Test func maintenanceIsReadInItsTimezone() {
        // 03:00 Paris is 02:00 UTC in November: 03:00–09:00 Paris covers 02:00–05:00 UTC; 03:00–09:00 UTC does not.
        let paris = MaintenanceWindow(
            schedule: try! CronSchedule(parsing: "0 3 * * SUN"), duration: TimeSpan(seconds: 21_600), timezone: "Europe/Paris")
        let utc = MaintenanceWindow(schedule: try! CronSchedule(parsing: "0 3 * * SUN"), duration: TimeSpan(seconds: 21_600), timezone: "UTC")
        #expect([paris].cover(from: at("2026-11-22T02:00:00Z"), to: at("2026-11-22T05:00:00Z")))
        #expect(![utc].cover(from: at("2026-11-22T02:00:00Z"), to: at("2026-11-22T05:00:00Z")))
    }

    @Test func aSuccessInsideMaintenanceIsASuccess() {
        let finished = at("2026-11-22T02:40:00Z")
        let outcome = StatusOutcome.evidence(
            StatusEvidence(
                evidence: Evidence(finishedAt: finished, verdict: .success, message: nil, versionID: "v1"),
                record: StatusFileRecord(
                    sha256: String(repeating: "a", count: 64), scheduledAt: nil, status: .success, finishedAt: finished, receivedAt: finished,
                    verdict: .success, message: nil),
                instant: finished))
        let result = Self.decide(Self.job(), outcome: outcome, now: "2026-11-22T06:00:00Z")
        #expect(Self.rows(result).contains("2026-11-22T02:00:00Z SUCCESS"))
    }

    @Test func aStatusFileThatArrivesAfterASkippedWindowReplacesItMarkedLate() {
        let skipped = OccurrenceRecord(
            occurrence: Occurrence(scheduledAt: at("2026-11-22T02:00:00Z"), windowEnd: at("2026-11-22T05:00:00Z")), state: .skipped)
        let finished = at("2026-11-22T08:00:00Z")
        let outcome = StatusOutcome.evidence(
            StatusEvidence(
                evidence: Evidence(finishedAt: finished, verdict: .success, message: nil, versionID: "v1"),
                record: StatusFileRecord(
                    sha256: String(repeating: "d", count: 64), scheduledAt: nil, status: .success, finishedAt: finished, receivedAt: finished,
                    verdict: .success, message: nil),
                instant: finished))
        let ledger = JobLedger(lastKnown: at("2026-11-22T02:00:00Z"), pending: [], statusKnown: false, latestDecided: nil, lastProblemAlert: [:])
        let result = Self.decide(Self.job(), ledger: ledger, outcome: outcome, attributedRows: [skipped], now: "2026-11-22T09:00:00Z")
        #expect(result?.update.occurrences.map(\.state) == [.success])
        #expect(result?.update.occurrences.first?.late == true)
    }

    @Test func aSkippedRunNeverHidesAnEarlierProblem() {
        #expect(VerdictRules.jobStatus(latestDecided: nil, hasOpenWindow: false) == .new)
        #expect(!Verdict.skipped.setsJobStatus && !Verdict.skipped.isProblem && Verdict.skipped.isDecided)
        // A FAILED job whose next run is skipped still shows FAILED, and is reminded of as FAILED.
        let failed = OccurrenceRecord(
            occurrence: Occurrence(scheduledAt: at("2026-11-21T02:00:00Z"), windowEnd: at("2026-11-21T05:00:00Z")), state: .failed)
        var route = Self.route
        route.repeatInterval = TimeSpan(seconds: 3_600)
        let job = Self.job()
        let active = ActiveJob(job: job, destination: Destination(name: "nas", path: "/srv/backups"), activeSince: at("2026-11-20T12:00:00Z"))
        let ledger = JobLedger(
            lastKnown: at("2026-11-21T02:00:00Z"), pending: [], statusKnown: false, latestDecided: failed,
            lastProblemAlert: ["ops": at("2026-11-21T05:00:00Z")])
        let input = JobScanInput(
            job: active, ledger: ledger, outcome: .nothing, attributedRows: [], destinationPresent: true,
            policy: AlertPolicy(job: job, routes: [route], publicURL: nil), now: at("2026-11-22T06:00:00Z"))
        guard case .decided(let result) = JobScan.decide(input) else {
            Issue.record("postponed")
            return
        }
        #expect(Self.rows(result) == ["2026-11-22T02:00:00Z SKIPPED"])
        #expect(result.update.notifications.map(\.alert.event) == [.reminder])
        #expect(result.update.notifications.first?.alert.state == "FAILED")
    }

    // MARK: - Silences

    static let failedOutcome: StatusOutcome = {
        let finished = at("2026-11-21T02:30:00Z")
        return .evidence(
            StatusEvidence(
                evidence: Evidence(finishedAt: finished, verdict: .failed, message: "disk full", versionID: nil),
                record: StatusFileRecord(
                    sha256: String(repeating: "b", count: 64), scheduledAt: nil, status: .failed, finishedAt: finished, receivedAt: finished,
                    verdict: .failed, message: "disk full"),
                instant: finished))
    }()

    static let migration = Silence(
        match: SilenceMatch(labels: ["team": ["data"]]), from: at("2026-11-21T00:00:00Z"), until: at("2026-11-22T00:00:00Z"),
        reason: "storage migration")

    @Test func anEventWhileASilenceHoldsIsRecordedSilenced() {
        let result = Self.decide(Self.job(silences: [Self.migration]), outcome: Self.failedOutcome, now: "2026-11-21T03:00:00Z")
        let items = result?.update.notifications ?? []
        #expect(items.map(\.alert.event) == [.failed])
        #expect(items.allSatisfy { $0.silenced })
    }

    @Test func aSilenceOfTheStateHoldsToo() {
        let stored = Silence(id: 7, match: SilenceMatch(job: "db"), from: nil, until: at("2026-11-21T04:00:00Z"), reason: "disk swap")
        let silenced = Self.decide(Self.job(), outcome: Self.failedOutcome, stateSilences: [stored], now: "2026-11-21T03:00:00Z")
        #expect(silenced?.update.notifications.map(\.silenced) == [true])
        // Judged by the scan's clock: the same event recorded after the silence ended is sent.
        let sent = Self.decide(Self.job(), outcome: Self.failedOutcome, stateSilences: [stored], now: "2026-11-21T04:00:00Z")
        #expect(sent?.update.notifications.map(\.silenced) == [false])
    }

    @Test func aSilenceOfOtherJobsOrOutsideItsPeriodDoesNotHold() {
        let other = Silence(match: SilenceMatch(labels: ["team": ["web"]]), from: nil, until: at("2026-11-30T00:00:00Z"), reason: "web only")
        let early = Silence(match: SilenceMatch(job: "db"), from: at("2026-11-21T06:00:00Z"), until: at("2026-11-22T00:00:00Z"), reason: "later")
        let result = Self.decide(Self.job(silences: [other, early]), outcome: Self.failedOutcome, now: "2026-11-21T03:00:00Z")
        #expect(result?.update.notifications.map(\.silenced) == [false])
    }

    @Test func theResolvedOfASilencedProblemIsSilencedAfterTheSilenceEnds() {
        let failed = OccurrenceRecord(
            occurrence: Occurrence(scheduledAt: at("2026-11-21T02:00:00Z"), windowEnd: at("2026-11-21T05:00:00Z")), state: .failed,
            finishedAt: at("2026-11-21T02:30:00Z"))
        let finished = at("2026-11-23T02:20:00Z")
        let success = StatusOutcome.evidence(
            StatusEvidence(
                evidence: Evidence(finishedAt: finished, verdict: .success, message: nil, versionID: "v2"),
                record: StatusFileRecord(
                    sha256: String(repeating: "c", count: 64), scheduledAt: nil, status: .success, finishedAt: finished, receivedAt: finished,
                    verdict: .success, message: nil),
                instant: finished))
        func ledger(silenced: Set<String>) -> JobLedger {
            JobLedger(
                lastKnown: at("2026-11-23T02:00:00Z"),
                pending: [
                    OccurrenceRecord(occurrence: Occurrence(scheduledAt: at("2026-11-23T02:00:00Z"), windowEnd: at("2026-11-23T05:00:00Z")))
                ], statusKnown: false, latestDecided: failed, lastProblemAlert: ["ops": at("2026-11-21T03:00:00Z")],
                silencedProblemRoutes: silenced)
        }
        let quiet = Self.decide(Self.job(maintenance: nil), ledger: ledger(silenced: ["ops"]), outcome: success, now: "2026-11-23T02:30:00Z")
        #expect(quiet?.update.notifications.map(\.alert.event) == [.resolved])
        #expect(quiet?.update.notifications.map(\.silenced) == [true])
        let loud = Self.decide(Self.job(maintenance: nil), ledger: ledger(silenced: []), outcome: success, now: "2026-11-23T02:30:00Z")
        #expect(loud?.update.notifications.map(\.silenced) == [false])
    }

    @Test func aSilenceHoldsFromItsStartUntilItsEnd() {
        let silence = Self.migration
        #expect(!silence.holds(at: at("2026-11-20T23:59:59Z")))
        #expect(silence.holds(at: at("2026-11-21T00:00:00Z")))
        #expect(silence.holds(at: at("2026-11-21T23:59:59Z")))
        #expect(!silence.holds(at: at("2026-11-22T00:00:00Z")))
        #expect(silence.isUpcoming(at: at("2026-11-20T12:00:00Z")))
        let open = Silence(match: SilenceMatch(job: "db"), from: nil, until: at("2026-11-22T00:00:00Z"), reason: "x")
        #expect(open.holds(at: .distantPast))
    }

    @Test func aSilenceWithoutStartMayEndAtMost30DaysFromTheLoadersClock() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "monitor.yaml",
            """
            version: 1
            destinations:
              nas: {path: backups}
            jobs:
              db: {destination: nas, schedule: "@daily", window: 1h}
            silences:
              - match: {job: db}
                until: "2026-12-20T00:00:00Z"
                reason: migration
            """)
        try folder.makeFolder("backups")
        let soon = ConfigLoader(workingDirectory: folder.path, now: at("2026-12-01T00:00:00Z")).load(path: path)
        #expect(soon.diagnostics.isEmpty, "\(soon.diagnostics)")
        #expect(soon.configuration?.job(named: "db")?.silences?.first?.until == at("2026-12-20T00:00:00Z"))
        let early = ConfigLoader(workingDirectory: folder.path, now: at("2026-11-01T00:00:00Z")).load(path: path)
        #expect(early.configuration == nil)
        #expect(
            early.diagnostics.map(\.message) == [
                "silence 1 lasts 49d from now, longer than the 30d a silence may last; end it sooner, or change the job's configuration instead"
            ])
        #expect(early.diagnostics.first?.location?.line == 8)
    }

    @Test func aSilenceRoundTripsThroughItsStoredJSON() throws {
        let encoded = try JSONEncoder.canonical.encode(Self.migration)
        #expect(
            String(decoding: encoded, as: UTF8.self)
                == #"{"from":"2026-11-21T00:00:00Z","match":{"labels":{"team":["data"]}},"reason":"storage migration","until":"2026-11-22T00:00:00Z"}"#
        )
        #expect(try JSONDecoder().decode(Silence.self, from: encoded) == Self.migration)
    }
}
