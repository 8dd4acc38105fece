import Foundation
import MonitorCore
import MonitorRuntime
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// Promotion (SPEC §5) on real temporary folders: what a good promotion leaves behind.

@Suite("Promotion")
struct PromotionTests {
    @Test("version ids are UTC seconds of finished_at and 8 hex digits of the status file's digest")
    func versionIDs() throws {
        let finished = try #require(ISO8601DateFormatter().date(from: "2026-11-24T02:17:45+01:00"))
        #expect(
            Promoter.versionID(finishedAt: finished.addingTimeInterval(0.9), statusSHA256: "9F86D0C1" + String(repeating: "0", count: 56))
                == "20261124T011745Z-9f86d0c1")
        #expect(
            Promoter.versionID(finishedAt: Date(timeIntervalSince1970: 0), statusSHA256: "0123456789abcdef")
                == "19700101T000000Z-01234567")
    }

    @Test("a backup with nested files is copied, verified, kept with its STATUS.json and made current")
    func promotesAndMakesCurrent() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let dump = randomBytes(5 << 20 + 3)  // several copy buffers and a ragged end
        let roles = Data("CREATE ROLE app;\n".utf8)
        let backup = try job.stage([("dump.sql.gz", dump), ("globals/roles.sql", roles), ("empty.log", Data())])

        let version = try #require(job.promoted(backup))

        #expect(version.id == backup.versionID)
        #expect(version.path == "\(job.folder)/versions/\(backup.versionID)")
        #expect(version.files == 3)
        #expect(version.bytes == Int64(dump.count + roles.count))
        #expect(version.isCurrent && version.isKept && version.warnings.isEmpty)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: job.current) == "versions/\(backup.versionID)")
        #expect(job.currentID == backup.versionID)
        #expect(FileManager.default.contents(atPath: "\(job.current)/dump.sql.gz") == dump)
        #expect(FileManager.default.contents(atPath: "\(job.current)/globals/roles.sql") == roles)
        #expect(FileManager.default.contents(atPath: "\(job.current)/STATUS.json") == backup.statusBytes)
        #expect(versionProblems(jobFolder: job.folder, id: backup.versionID).isEmpty)
        #expect(job.leftovers.isEmpty)
    }

    @Test(
        "staging on another file system is copied by reading and writing, verified the same way",
        .enabled(if: TemporaryMount.isAllowed, "mounting a tmpfs needs root (CAP_SYS_ADMIN)"))
    func copiesAcrossFileSystems() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        // The kernel will not copy_file_range from a tmpfs to the temporary folder's file system.
        let mount = try TemporaryMount(tmpfsAt: job.staging.path, size: "16m")
        defer { mount.unmount() }
        let dump = randomBytes(5 << 20 + 7)
        let backup = try job.stage([("dump.sql.gz", dump), ("globals/roles.sql", Data("CREATE ROLE app;\n".utf8))])

        try #require(job.promoted(backup) != nil)

        #expect(FileManager.default.contents(atPath: "\(job.current)/dump.sql.gz") == dump)
        #expect(versionProblems(jobFolder: job.folder, id: backup.versionID).isEmpty)
        var tampered = try job.stage([("dump.sql.gz", dump)], finishedAt: 60)
        tampered.report.files[0].sha256 = String(repeating: "0", count: 64)
        #expect(
            job.promote(tampered)
                == .mismatch(
                    message:
                        "staging/dump.sql.gz: SHA-256 is \(FileSHA256.hex(of: dump)), STATUS.json says \(String(repeating: "0", count: 64))"))
        #expect(job.currentID == backup.versionID && job.leftovers.isEmpty)
    }

    @Test("permission bits and modification times are kept; staging is left exactly as it was")
    func keepsModesAndLeavesStagingAlone() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let backup = try job.stage([("run.sh", Data("#!/bin/sh\n".utf8)), ("secret.key", Data("k".utf8))])
        let modified = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o750, .modificationDate: modified],
            ofItemAtPath: job.staging.appendingPathComponent("run.sh").path)
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: job.staging.appendingPathComponent("secret.key").path)
        let before = try job.stagingSnapshot()

        try #require(job.promoted(backup) != nil)

        let script = try FileManager.default.attributesOfItem(atPath: "\(job.current)/run.sh")
        #expect(script[.posixPermissions] as? Int == 0o750)
        #expect(script[.modificationDate] as? Date == modified)
        #expect(try FileManager.default.attributesOfItem(atPath: "\(job.current)/secret.key")[.posixPermissions] as? Int == 0o400)
        #expect(try job.stagingSnapshot() == before)
    }

    @Test("a report without sizes or hashes (verify: none) is promoted as found")
    func promotesWithoutHashes() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let backup = try job.stage([("rsync.tar", Data("tar".utf8))], sizes: false, hashes: false)
        let version = try #require(job.promoted(backup))
        #expect(version.bytes == 3)
        #expect(FileManager.default.contents(atPath: "\(job.current)/rsync.tar") == Data("tar".utf8))
    }

    @Test("promoting the same status file again reuses the version instead of failing")
    func promotingTwiceReusesTheVersion() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let backup = try job.stage([("dump.sql.gz", randomBytes(4096))])
        try #require(job.promoted(backup) != nil)
        let inode = try FileManager.default.attributesOfItem(atPath: "\(job.current)/dump.sql.gz")[.systemFileNumber] as? Int

        let again = try #require(job.promoted(backup))

        #expect(again.isCurrent && again.files == 1 && again.bytes == 4096)
        #expect(try FileManager.default.attributesOfItem(atPath: "\(job.current)/dump.sql.gz")[.systemFileNumber] as? Int == inode)
        #expect(job.versionNames == [backup.versionID])
    }

    @Test("a version renamed into place before a crash is reused and made current")
    func reusesAVersionThatWasNeverMadeCurrent() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let older = try job.stage([("dump.sql.gz", randomBytes(100))], finishedAt: 0)
        try #require(job.promoted(older) != nil)
        let newer = try job.stage([("dump.sql.gz", randomBytes(200))], finishedAt: 60)
        try #require(job.promoted(newer) != nil)
        // As if the process died after the rename, before the switch: current is still the older one.
        try FileManager.default.removeItem(atPath: job.current)
        try FileManager.default.createSymbolicLink(atPath: job.current, withDestinationPath: "versions/\(older.versionID)")

        let version = try #require(job.promoted(newer))

        #expect(version.isCurrent)
        #expect(job.currentID == newer.versionID)
    }

    @Test("an existing version under the same id with another STATUS.json is not silently reused")
    func refusesAConflictingVersion() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let backup = try job.stage([("dump.sql.gz", randomBytes(100))])
        try #require(job.promoted(backup) != nil)
        var other = backup
        other.statusBytes = Data("{\"status\": \"SUCCESS\"}".utf8)

        let result = job.promote(other)

        #expect(
            result
                == .failed(
                    message: """
                        versions/\(backup.versionID) already exists with a different STATUS.json; \
                        move it away (or delete it) so that this status file can be promoted
                        """))
        #expect(FileManager.default.contents(atPath: "\(job.current)/STATUS.json") == backup.statusBytes)
    }

    @Test("a symbolic link swapped into staging is refused, not followed")
    func refusesSymbolicLinks() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let backup = try job.stage([("dump.sql.gz", Data("dump".utf8)), ("sub/roles.sql", Data("roles".utf8))])
        try Data("outside".utf8).write(to: job.root.appendingPathComponent("outside"))
        let dump = job.staging.appendingPathComponent("dump.sql.gz").path
        try FileManager.default.removeItem(atPath: dump)
        try FileManager.default.createSymbolicLink(atPath: dump, withDestinationPath: job.root.appendingPathComponent("outside").path)

        #expect(
            job.promote(backup)
                == .failed(
                    message: "staging/dump.sql.gz is (or lies under) a symbolic link or not a folder; only regular files inside staging/ are promoted"
                ))

        // The same for a folder on the way to a file.
        try FileManager.default.removeItem(atPath: dump)
        try Data("dump".utf8).write(to: URL(fileURLWithPath: dump))
        let sub = job.staging.appendingPathComponent("sub")
        try FileManager.default.moveItem(at: sub, to: job.root.appendingPathComponent("real-sub"))
        try FileManager.default.createSymbolicLink(atPath: sub.path, withDestinationPath: job.root.appendingPathComponent("real-sub").path)
        #expect(
            job.promote(backup)
                == .failed(
                    message:
                        "staging/sub/roles.sql is (or lies under) a symbolic link or not a folder; only regular files inside staging/ are promoted"))
        #expect(job.leftovers.isEmpty && job.currentID == nil)
    }

    @Test("a FIFO in staging is refused without waiting for a writer")
    func refusesSpecialFiles() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let backup = job.backup(listing: [.init(path: "pipe", size: nil, sha256: nil)])
        #expect(mkfifo(job.staging.appendingPathComponent("pipe").path, 0o644) == 0)

        #expect(job.promote(backup) == .failed(message: "staging/pipe is not a regular file; only regular files are promoted"))
        #expect(job.leftovers.isEmpty)
    }

    @Test("listings that cannot be laid out as a version are refused before anything is copied")
    func refusesBadListings() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        try job.stage([("a", Data("a".utf8))])
        let file = StatusReport.File(path: "a", size: nil, sha256: nil)
        #expect(job.promote(job.backup(listing: [file, file])) == .failed(message: "staging/a is listed twice in files"))
        #expect(
            job.promote(job.backup(listing: [.init(path: "../a", size: nil, sha256: nil)]))
                == .failed(message: "\"../a\" is not a normalized path relative to staging/"))
        #expect(
            job.promote(job.backup(listing: [.init(path: "STATUS.json", size: nil, sha256: nil)]))
                == .failed(message: "STATUS.json cannot be listed in files: the version folder keeps the status file under that name"))
        var backup = job.backup(listing: [file])
        backup.versionID = "latest"
        #expect(job.promote(backup) == .failed(message: "\"latest\" is not a version id (like 20261124T011745Z-9f86d0c1)"))
        #expect(
            Promoter().promote(
                report: backup.report, statusBytes: backup.statusBytes, jobFolder: job.root.appendingPathComponent("nope").path,
                versionID: "20261124T011745Z-9f86d0c1", keepVersions: 3)
                == .failed(message: "the job folder \(job.root.appendingPathComponent("nope").path) does not exist"))
        #expect(job.versionNames.isEmpty)
    }
}
