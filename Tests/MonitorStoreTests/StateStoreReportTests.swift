import Foundation
import MonitorCore
import MonitorTestSupport
import Testing

@testable import MonitorStore

/// The report's set queries on a real SQLite file: the period, the strip length, deleted
/// versions, retired jobs, and an empty state.
@Suite struct StateStoreReportTests {
    let folder = NSTemporaryDirectory() + "monitor-report-\(UUID().uuidString)"
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    func store() throws -> StateStore {
        try StateStore.open(path: TestState.location(folder + "/state.sqlite"), create: true)
    }

    func apply(_ store: StateStore, jobs: [String], base: Int64) throws {
        let schedule = try CronSchedule(parsing: "0 2 * * *")
        let desired = DesiredState(
            settings: Settings(state: store.path), destinations: [Destination(name: "nas", path: folder + "/backups")], routes: [],
            jobs: jobs.map { Job(name: $0, destination: "nas", schedule: schedule, window: TimeSpan(seconds: 3_600)) })
        try store.apply(
            desired, baseRevision: base,
            context: ApplyContext(
                configPath: "/etc/monitor.yaml", git: GitInfo(commit: "abc123", branch: "main", dirty: true), user: "ops", host: "backup-1",
                now: Self.at("2026-09-01T00:00:00Z")))
    }

    /// One occurrence a day from `first` for `days` days, SUCCESS except every fifth day FAILED.
    func record(_ store: StateStore, job: String, from first: String, days: Int) throws {
        var update = JobLedgerUpdate(job: job)
        for day in 0..<days {
            let scheduled = Self.at(first).addingTimeInterval(Double(day) * 86_400)
            update.occurrences.append(
                OccurrenceRecord(
                    occurrence: Occurrence(scheduledAt: scheduled, windowEnd: scheduled.addingTimeInterval(3_600)),
                    state: day % 5 == 4 ? .failed : .success, finishedAt: scheduled.addingTimeInterval(600), message: "day \(day)"))
        }
        try store.record(update, at: Self.at("2026-11-24T00:00:00Z"))
    }

    @Test func anEmptyStateHasNoRevisionNoJobAndNoCount() throws {
        let report = try store().report(now: Self.at("2026-11-24T09:00:00Z"), days: 30)
        #expect(report.revision == nil)
        #expect(report.jobs.isEmpty)
        #expect(report.verdictCounts.isEmpty)
    }

    @Test func theReportReadsThePeriodTheLatestOccurrencesAndEveryVersion() throws {
        let store = try store()
        try apply(store, jobs: ["db", "old", "web"], base: 0)
        // 60 days of history for db, from 2026-09-25 to 2026-11-23; 3 for web; 10 for old.
        try record(store, job: "db", from: "2026-09-25T02:00:00Z", days: 60)
        try record(store, job: "web", from: "2026-11-21T02:00:00Z", days: 3)
        try record(store, job: "old", from: "2026-11-10T02:00:00Z", days: 10)
        var versions = JobLedgerUpdate(job: "db")
        for (id, day, bytes) in [("v0", "2026-10-20", 100), ("v1", "2026-11-01", 200), ("v2", "2026-11-22", 300), ("v3", "2026-11-23", 400)] {
            let finished = Self.at("\(day)T02:10:00Z")
            versions.versions.append(
                VersionRecord(
                    id: id, path: "/x/\(id)", finishedAt: finished, promotedAt: finished, files: 1,
                    bytes: Int64(bytes), statusSHA256: String(repeating: "0", count: 64)))
        }
        versions.deletedVersions = ["v0", "v1"]
        try store.record(versions, at: Self.at("2026-11-23T03:00:00Z"))
        try apply(store, jobs: ["db", "web"], base: 1)  // retires "old"

        let now = Self.at("2026-11-24T09:00:00Z")
        let report = try store.report(now: now, days: 30)
        #expect(report.revision?.number == 2)
        #expect(report.revision?.gitCommit == "abc123" && report.revision?.gitBranch == "main" && report.revision?.gitDirty == true)
        #expect(report.revision?.user == "ops" && report.revision?.host == "backup-1")
        #expect(report.jobs.map(\.view.name) == ["db", "web"], "retired jobs are not in the report")
        // db: occurrences from 2026-10-25T09:00 on are in the period: 2026-10-26 .. 2026-11-23 = 29 days.
        // Of those, days 31..59 of the series; day % 5 == 4 → 34, 39, 44, 49, 54, 59 are FAILED.
        // web: 3 SUCCESS. old is retired: not counted.
        #expect(report.verdictCounts == [.success: 23 + 3, .failed: 6])
        let db = try #require(report.jobs.first)
        #expect(db.recent.count == 29)
        #expect(db.recent.first?.occurrence.scheduledAt == Self.at("2026-10-26T02:00:00Z"))
        #expect(db.recent.last?.occurrence.scheduledAt == Self.at("2026-11-23T02:00:00Z"), "oldest first")
        #expect(db.sizes.map(\.versionID) == ["v1", "v2", "v3"], "v0 is before the period")
        #expect(db.sizes.map(\.deleted) == [true, false, false])
        #expect(db.view.currentVersion?.id == "v3")

        // The strip keeps the latest `stripLength` of a longer period.
        let long = try store.reportJobs(now: now, days: 90, named: ["db"], stripLength: 10)
        #expect(long.map(\.view.name) == ["db"])
        #expect(long[0].recent.map { Timestamp.string($0.occurrence.scheduledAt) }.first == "2026-11-14T02:00:00Z")
        #expect(long[0].recent.count == 10)
        #expect(long[0].sizes.count == 4)
        #expect(try store.reportJobs(now: now, days: 30, named: ["old"]).isEmpty, "a retired job is unknown")
    }
}
