import Foundation
import MonitorCore
import MonitorRuntime
import Testing

// keep_versions (SPEC §5): the newest versions are kept, the current one always.

@Suite("Promotion retention")
struct PromotionRetentionTests {
    @Test("only the keep_versions newest versions remain, the newest current", arguments: [1, 2, 3])
    func keepsTheNewest(keep: Int) throws {
        let job = try PromotionJob()
        defer { job.remove() }
        var ids: [String] = []
        for minute in 0..<5 {
            let backup = try job.stage([("dump.sql.gz", randomBytes(100 + minute))], finishedAt: minute * 60)
            let version = try #require(job.promoted(backup, keep: keep))
            #expect(version.isCurrent && version.isKept)
            ids.append(backup.versionID)
        }
        #expect(job.versionNames == Array(ids.suffix(keep)))
        #expect(job.currentID == ids.last)
        #expect(job.leftovers.isEmpty)
    }

    @Test("a version dated in the future (left before the clock rule) never stays current nor pushes real ones out")
    func aFutureVersionRanksBelowEveryRealOne() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        // What a status file dated 40 years ahead left in a job folder before SPEC §3's clock rule.
        let bogus = try job.stage([("dump.sql.gz", randomBytes(100))], finishedAt: 40 * 525_600)
        try #require(job.promoted(bogus, keep: 1) != nil)
        let real = try job.stage([("dump.sql.gz", randomBytes(200))], finishedAt: 60)

        let version = try #require(job.promoted(real, keep: 1))

        #expect(version.isCurrent && version.isKept)
        #expect(job.currentID == real.versionID)
        #expect(job.versionNames == [real.versionID], "retention keeps the real version and deletes the one from the future")
    }

    @Test("a late backup older than the current version is promoted but not made current")
    func lateVersionIsNotCurrent() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let newer = try job.stage([("dump.sql.gz", randomBytes(100))], finishedAt: 120)
        try #require(job.promoted(newer) != nil)
        let late = try job.stage([("dump.sql.gz", randomBytes(200))], finishedAt: 60)

        let version = try #require(job.promoted(late))

        #expect(!version.isCurrent && version.isKept)
        #expect(job.currentID == newer.versionID)
        #expect(job.versionNames == [late.versionID, newer.versionID])
        #expect(versionProblems(jobFolder: job.folder, id: late.versionID).isEmpty)
    }

    @Test("a late backup older than every kept version is promoted, then removed by retention")
    func lateVersionBeyondRetention() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        for minute in [120, 180] {
            try #require(job.promoted(try job.stage([("dump.sql.gz", randomBytes(minute))], finishedAt: minute), keep: 2) != nil)
        }
        let before = job.versionNames
        let late = try job.stage([("dump.sql.gz", randomBytes(10))], finishedAt: 60)

        let version = try #require(job.promoted(late, keep: 2))

        #expect(!version.isCurrent && !version.isKept)
        #expect(job.versionNames == before)
    }

    @Test("the current version is never deleted, even when it is not among the newest")
    func currentIsNeverDeleted() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        var ids: [String] = []
        for minute in [10, 20, 30, 40] {
            let backup = try job.stage([("dump.sql.gz", randomBytes(minute))], finishedAt: minute)
            try #require(job.promoted(backup, keep: 4) != nil)
            ids.append(backup.versionID)
        }
        // An operator rolled back by hand to the oldest version.
        try FileManager.default.removeItem(atPath: job.current)
        try FileManager.default.createSymbolicLink(atPath: job.current, withDestinationPath: "versions/\(ids[0])")
        let late = try job.stage([("dump.sql.gz", randomBytes(5))], finishedAt: 5)

        let version = try #require(job.promoted(late, keep: 2))

        #expect(!version.isCurrent && !version.isKept)
        #expect(job.currentID == ids[0])
        #expect(job.versionNames == [ids[0], ids[2], ids[3]])
    }
}
