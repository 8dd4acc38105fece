import Foundation
import MonitorTestSupport
import Testing

@testable import MonitorCore

/// The SUSPICIOUS rules of SPEC §15 as pure functions: `expect` bounds, zero bytes, and the
/// anomaly rule (modified z-score on logarithms, with the 20 % floor and the MAD = 0 case).
@Suite struct SuspicionTests {
    static func job(expect: RunBounds? = nil, anomaly: Bool? = nil) -> Job {
        var job = Job(name: "db", destination: "nas", schedule: try! CronSchedule(parsing: "@daily"), window: TimeSpan(seconds: 3_600))
        job.expect = expect
        job.anomaly = anomaly
        return job
    }

    /// Twenty nights around 15 MiB with a little noise (±3 %), newest first.
    static let history: [RunFigures] = (0..<20).map { night in
        let noise = [0.0, 0.01, -0.02, 0.03, -0.01, 0.02, -0.03, 0.0, 0.015, -0.015][night % 10]
        return RunFigures(bytes: Int64(15.0 * 1_048_576 * (1 + noise)), files: 3, duration: 2_400 * (1 + noise))
    }

    @Test func aNormalNightIsNotSuspicious() {
        #expect(Suspicion.reasons(for: RunFigures(bytes: 15 * 1_048_576, files: 3, duration: 2_410), job: Self.job(), history: Self.history).isEmpty)
    }

    @Test func aNightAtEightPercentOfTheSizeIsNamedWithTheGap() throws {
        let reasons = Suspicion.reasons(for: RunFigures(bytes: Int64(1.2 * 1_048_576), files: 3), job: Self.job(), history: Self.history)
        let reason = try #require(reasons.first)
        #expect(reasons.count == 1)
        #expect(reason.hasPrefix("total size 1.2 MiB is 92 % below the median 15.0 MiB of the last 20 runs"), "\(reason)")
    }

    @Test func aRunThatSucceedsInSecondsInsteadOfFortyMinutes() throws {
        let reasons = Suspicion.reasons(for: RunFigures(bytes: 15 * 1_048_576, files: 3, duration: 3), job: Self.job(), history: Self.history)
        #expect(reasons == ["duration 3 s is 100 % below the median 40 min of the last 20 runs"])
    }

    @Test func fewerThanTenEarlierRunsJudgeNothingButTheBoundsAndZeroBytes() {
        let short = Array(Self.history.prefix(9))
        #expect(Suspicion.reasons(for: RunFigures(bytes: 1_000, files: 3), job: Self.job(), history: short).isEmpty)
        #expect(Suspicion.reasons(for: RunFigures(bytes: 0, files: 1), job: Self.job(), history: short) == ["the files total 0 bytes"])
        #expect(Suspicion.reasons(for: RunFigures(bytes: 1_000, files: 3), job: Self.job(), history: Array(Self.history.prefix(10))).count == 1)
    }

    @Test func anEmptyDumpIsSuspiciousEvenWithAnomalyOff() {
        #expect(
            Suspicion.reasons(for: RunFigures(bytes: 0, files: 1), job: Self.job(anomaly: false), history: Self.history) == [
                "the files total 0 bytes"
            ])
    }

    @Test func anomalyOffLeavesOnlyTheBounds() {
        #expect(Suspicion.reasons(for: RunFigures(bytes: 1_000, files: 3), job: Self.job(anomaly: false), history: Self.history).isEmpty)
    }

    @Test func expectBoundsNameTheKey() {
        let expect = RunBounds(minBytes: ByteSize(bytes: 10 * 1_048_576), maxFiles: 2, minDuration: TimeSpan(seconds: 600))
        let reasons = Suspicion.reasons(
            for: RunFigures(bytes: 5 * 1_048_576, files: 3, duration: 60), job: Self.job(expect: expect, anomaly: false), history: [])
        #expect(
            reasons == [
                "total size 5.0 MiB is below min_bytes 10MiB", "file count 3 is above max_files 2", "duration 1 min is below min_duration 10m",
            ])
        // A run without started_at has no duration, so min_duration cannot judge it.
        #expect(
            Suspicion.reasons(for: RunFigures(bytes: 20 * 1_048_576, files: 1), job: Self.job(expect: expect, anomaly: false), history: []).isEmpty)
        // Zero bytes below min_bytes is said once, by the bound.
        #expect(Suspicion.reasons(for: RunFigures(bytes: 0, files: 1), job: Self.job(expect: expect, anomaly: false), history: []).count == 1)
    }

    @Test func whenTheBaselineDoesNotVaryTheTwentyPercentChangeAloneDecides() {
        let flat = Array(repeating: 100.0, count: 12)
        #expect(Suspicion.outlier(119, against: flat) == nil)
        #expect(abs((Suspicion.outlier(121, against: flat)?.median ?? 0) - 100) < 1e-9)
        #expect(Suspicion.outlier(79, against: flat) != nil)
    }

    @Test func aLargeScoreUnderTwentyPercentIsNotFlagged() {
        // A very steady baseline makes a 10 % change a huge z-score; the 20 % floor keeps it quiet.
        let steady = (0..<20).map { 1_000.0 + Double($0 % 2) }
        #expect(Suspicion.outlier(1_100, against: steady) == nil)
        #expect(Suspicion.outlier(1_300, against: steady) != nil)
    }

    @Test func aSlowDriftNeverFires() {
        // 1 % more every night for a year: each night is judged against the 20 before it.
        var sizes: [Double] = [1_000_000]
        for _ in 0..<365 { sizes.append(sizes.last! * 1.01) }
        for night in 20..<sizes.count {
            let baseline = Array(sizes[(night - 20)..<night].reversed())
            #expect(Suspicion.outlier(sizes[night], against: baseline) == nil, "night \(night)")
        }
    }

    @Test func theRuleIsOnTheLogarithm() {
        // Symmetric on a log scale: a tenth and ten times the median are both outliers.
        let noisy = (0..<20).map { 1_000.0 * (1 + Double($0 % 5 - 2) * 0.05) }
        #expect(Suspicion.outlier(100, against: noisy) != nil)
        #expect(Suspicion.outlier(10_000, against: noisy) != nil)
        #expect(Suspicion.outlier(1_080, against: noisy) == nil)
    }

    @Test func byteSizesParseWithUnitsAndPrintCanonically() throws {
        #expect(try ByteSize(parsing: "500MB").bytes == 500_000_000)
        #expect(try ByteSize(parsing: "2 GiB").bytes == 2 << 30)
        #expect(try ByteSize(parsing: "1.5KiB").bytes == 1_536)
        #expect(try ByteSize(parsing: "0B").bytes == 0)
        #expect(ByteSize(bytes: 1_048_576).description == "1MiB")
        #expect(ByteSize(bytes: 3_000_000).description == "3MB")
        #expect(ByteSize(bytes: 1_500).description == "1500B")
        #expect(throws: ByteSizeParseError.self) { try ByteSize(parsing: "500") }
        #expect(throws: ByteSizeParseError.self) { try ByteSize(parsing: "-1MB") }
        #expect(throws: ByteSizeParseError.self) { try ByteSize(parsing: "1.5B") }
        do {
            _ = try ByteSize(parsing: "10mib")
            Issue.record("a wrong case must be refused")
        } catch {
            #expect(error.message.contains("\"MiB\""))
        }
    }
}

/// STALE (SPEC §15): a pure function of the newest good run, the job's start and the clock.
@Suite struct StalenessTests {
    static func active(maxAge: Int64?) -> ActiveJob {
        var job = Job(name: "db", destination: "nas", schedule: try! CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 10_800))
        job.maxAge = maxAge.map { TimeSpan(seconds: $0) }
        return ActiveJob(job: job, destination: Destination(name: "nas", path: "/srv"), activeSince: at("2026-11-20T12:00:00Z"))
    }

    @Test func withoutMaxAgeNothingIsEverStale() {
        #expect(
            Staleness.change(job: Self.active(maxAge: nil), lastGoodBefore: nil, lastGoodAfter: nil, alertedAt: nil, now: at("2030-01-01T00:00:00Z"))
                == .unchanged(stale: false))
    }

    @Test func aJobWithNoGoodRunIsStaleMaxAgeAfterItWasAdded() {
        let job = Self.active(maxAge: 26 * 3_600)
        #expect(
            Staleness.change(job: job, lastGoodBefore: nil, lastGoodAfter: nil, alertedAt: nil, now: at("2026-11-21T13:59:00Z"))
                == .unchanged(stale: false))
        guard
            case .began(let since, let message) = Staleness.change(
                job: job, lastGoodBefore: nil, lastGoodAfter: nil, alertedAt: nil, now: at("2026-11-21T14:00:00Z"))
        else {
            Issue.record("stale at max_age after the job was added")
            return
        }
        #expect(since == at("2026-11-21T14:00:00Z"))
        #expect(message.contains("no good backup since the job was added"))
    }

    @Test func oneEventPerStalePeriodThenResolvedWhenAFreshRunLands() {
        let job = Self.active(maxAge: 26 * 3_600)
        let good = at("2026-11-22T02:30:00Z")
        let now = at("2026-11-23T05:00:00Z")
        #expect(
            Staleness.change(job: job, lastGoodBefore: good, lastGoodAfter: good, alertedAt: nil, now: now)
                == .began(
                    since: at("2026-11-23T04:30:00Z"), message: "the newest good backup finished at 2026-11-22T02:30:00Z, more than max_age 1d2h ago")
        )
        // Told at 05:00: the next scans of the same period stay quiet.
        #expect(
            Staleness.change(job: job, lastGoodBefore: good, lastGoodAfter: good, alertedAt: now, now: at("2026-11-23T09:00:00Z"))
                == .unchanged(stale: true))
        // A fresh run ends the period that was told.
        let fresh = at("2026-11-23T10:00:00Z")
        #expect(Staleness.change(job: job, lastGoodBefore: good, lastGoodAfter: fresh, alertedAt: now, now: at("2026-11-23T10:05:00Z")) == .ended)
        // The next period is told again, once.
        #expect(Staleness.change(job: job, lastGoodBefore: fresh, lastGoodAfter: fresh, alertedAt: now, now: at("2026-11-24T12:00:00Z")).isStale)
        if case .began = Staleness.change(job: job, lastGoodBefore: fresh, lastGoodAfter: fresh, alertedAt: now, now: at("2026-11-24T12:00:00Z")) {
        } else {
            Issue.record("a new stale period is a new event")
        }
    }

    @Test func aFreshRunNobodyWasToldAboutResolvesNothing() {
        let job = Self.active(maxAge: 3_600)
        #expect(
            Staleness.change(
                job: job, lastGoodBefore: at("2026-11-21T00:00:00Z"), lastGoodAfter: at("2026-11-21T05:00:00Z"), alertedAt: nil,
                now: at("2026-11-21T05:01:00Z")) == .unchanged(stale: false))
    }

    @Test func staleReplacesOnlyGoodOrWaitingStatuses() {
        #expect(VerdictRules.jobStatus(latestDecided: .success, hasOpenWindow: false, stale: true) == .stale)
        #expect(VerdictRules.jobStatus(latestDecided: .suspicious, hasOpenWindow: false, stale: true) == .stale)
        #expect(VerdictRules.jobStatus(latestDecided: nil, hasOpenWindow: true, stale: true) == .stale)
        #expect(VerdictRules.jobStatus(latestDecided: nil, hasOpenWindow: false, stale: true) == .stale)
        #expect(VerdictRules.jobStatus(latestDecided: .failed, hasOpenWindow: false, stale: true) == .failed)
        #expect(VerdictRules.jobStatus(latestDecided: .missing, hasOpenWindow: false, stale: true) == .missing)
        #expect(VerdictRules.jobStatus(latestDecided: .success, hasOpenWindow: false, stale: false) == .success)
    }
}
