import Foundation
import MonitorCore
import MonitorRuntime
import Testing

// Recovery (SPEC §5): what an interrupted promotion leaves is cleaned up by the next scan, and
// current_version is repaired when it leads nowhere.

@Suite("Promotion recovery")
struct PromotionRecoveryTests {
    @Test("a temporary folder and a temporary link left by a killed promotion are removed")
    func removesLeftovers() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let backup = try job.stage([("dump.sql.gz", randomBytes(100))])
        try #require(job.promoted(backup) != nil)
        let partial = job.versions.appendingPathComponent(".tmp-20261124T020000Z-0123abcd-4242-9f9f")
        try FileManager.default.createDirectory(at: partial.appendingPathComponent("globals"), withIntermediateDirectories: true)
        try randomBytes(10).write(to: partial.appendingPathComponent("globals/half.sql"))
        try FileManager.default.createSymbolicLink(
            atPath: "\(job.folder)/.current_version.tmp-4242-9f9f",
            withDestinationPath: "versions/20261124T020000Z-0123abcd")

        let actions = Promoter().recover(jobFolder: job.folder)

        #expect(
            actions == [
                "removed versions/.tmp-20261124T020000Z-0123abcd-4242-9f9f, left by an interrupted promotion",
                "removed .current_version.tmp-4242-9f9f, a link left by an interrupted switch of current_version",
            ])
        #expect(job.leftovers.isEmpty)
        #expect(job.currentID == backup.versionID)
        #expect(Promoter().recover(jobFolder: job.folder).isEmpty)
    }

    @Test("current_version leading to a missing folder is pointed at the newest complete version")
    func repairsDanglingCurrent() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        try #require(job.promoted(try job.stage([("dump.sql.gz", randomBytes(100))], finishedAt: 0)) != nil)
        let newer = try job.stage([("dump.sql.gz", randomBytes(100))], finishedAt: 60)
        try #require(job.promoted(newer) != nil)
        try FileManager.default.removeItem(atPath: job.current)
        try FileManager.default.createSymbolicLink(atPath: job.current, withDestinationPath: "versions/20261124T090000Z-deadbeef")
        // A folder with a version's name but no STATUS.json is not complete and is never chosen.
        try FileManager.default.createDirectory(
            at: job.versions.appendingPathComponent("20261124T100000Z-00000000"), withIntermediateDirectories: true)

        let actions = Promoter().recover(jobFolder: job.folder)

        #expect(
            actions == [
                "current_version pointed at versions/20261124T090000Z-deadbeef, which is not a complete version; now points at versions/\(newer.versionID)"
            ])
        #expect(job.currentID == newer.versionID)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: job.current) == "versions/\(newer.versionID)")
    }

    @Test("a missing current_version is recreated; with no version at all nothing is done")
    func repairsMissingCurrent() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        #expect(Promoter().recover(jobFolder: job.folder).isEmpty)
        #expect(Promoter().recover(jobFolder: job.root.appendingPathComponent("no-such-job").path).isEmpty)
        let backup = try job.stage([("dump.sql.gz", randomBytes(100))])
        try #require(job.promoted(backup) != nil)
        try FileManager.default.removeItem(atPath: job.current)

        #expect(Promoter().recover(jobFolder: job.folder) == ["current_version was missing; now points at versions/\(backup.versionID)"])
        #expect(job.currentID == backup.versionID)
    }

    @Test("current_version that is a real folder is left alone and reported")
    func leavesAFolderAlone() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        try FileManager.default.createDirectory(atPath: job.current, withIntermediateDirectories: true)

        #expect(
            Promoter().recover(jobFolder: job.folder) == [
                "\(job.folder)/current_version is not a symbolic link; left alone — move it away so that monitor can manage it"
            ])
    }

    @Test("after recovery the interrupted backup is promoted normally")
    func promotesAfterRecovery() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let backup = try job.stage([("dump.sql.gz", randomBytes(3 << 20))])
        let partial = job.versions.appendingPathComponent(".tmp-\(backup.versionID)-4242-0001")
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        try randomBytes(1 << 20).write(to: partial.appendingPathComponent("dump.sql.gz"))

        #expect(Promoter().recover(jobFolder: job.folder).count == 1)
        let version = try #require(job.promoted(backup))
        #expect(version.isCurrent)
        #expect(versionProblems(jobFolder: job.folder, id: backup.versionID).isEmpty)
        #expect(job.versionNames == [backup.versionID])
    }
}
