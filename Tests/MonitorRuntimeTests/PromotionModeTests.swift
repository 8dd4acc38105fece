import Foundation
import Logging
import MonitorCore
import Synchronization
import Testing

@testable import MonitorRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// `promote: link_unchanged` and `promote: none` (SPEC §14) on the real file system.
@Suite("Promotion modes")
struct PromotionModeTests {
    static func promote(
        _ job: PromotionJob, _ backup: StagedBackup, mode: PromotionMode, keep: Int? = 3, promoter: Promoter = Promoter(), logger: Logger? = nil,
        now: Date = Date()
    ) -> PromotionResult {
        promoter.promote(
            report: backup.report, statusBytes: backup.statusBytes, jobFolder: job.folder, versionID: backup.versionID, keepVersions: keep,
            mode: mode, logger: logger, now: now)
    }

    static func promoted(
        _ job: PromotionJob, _ backup: StagedBackup, mode: PromotionMode, keep: Int? = 3, promoter: Promoter = Promoter(), logger: Logger? = nil,
        now: Date = Date(), sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> PromotedVersion {
        let result = promote(job, backup, mode: mode, keep: keep, promoter: promoter, logger: logger, now: now)
        guard case .promoted(let version) = result else {
            Issue.record("expected a promotion, got \(result)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return version
    }

    static func info(_ path: String) throws -> stat {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return info
    }

    /// 512-byte blocks allocated under `path`, each inode counted once (as `du` counts).
    static func blocks(under path: String) throws -> Int64 {
        var seen = Set<UInt64>()
        var total: Int64 = 0
        let enumerator = FileManager.default.enumerator(atPath: path)
        total += Int64(try info(path).st_blocks)
        while let relative = enumerator?.nextObject() as? String {
            let entry = try info("\(path)/\(relative)")
            if seen.insert(UInt64(entry.st_ino)).inserted { total += Int64(entry.st_blocks) }
        }
        return total
    }

    /// `du -sk PATH` in KiB: the file system's own count, hard links counted once.
    static func du(_ path: String) throws -> Int64 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/du")
        process.arguments = ["-sk", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Int64(output.split(separator: "\t").first ?? "") ?? -1
    }

    // MARK: - link_unchanged

    @Test("a second promotion of an unchanged 100 MiB backup adds no file data, and shares inodes with the first")
    func unchangedBackupAddsNoData() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let files = [("dump.bin", randomBytes(96 << 20)), ("globals/roles.sql", randomBytes(4 << 20))]
        let first = try Self.promoted(job, try job.stage(files, finishedAt: 0), mode: .linkUnchanged)
        #expect(first.linkedFiles == 0, "nothing to link from before the first version")
        let before = try Self.blocks(under: job.versions.path)
        let duBefore = try Self.du(job.versions.path)
        #expect(before >= (100 << 20) / 512, "the first version holds real blocks: \(before)")

        let second = try Self.promoted(job, try job.stage(files, finishedAt: 60), mode: .linkUnchanged)
        #expect(second.linkedFiles == 2)
        #expect(second.isCurrent)
        #expect(job.currentID == second.id)
        let added = try Self.blocks(under: job.versions.path) - before
        let duAdded = try Self.du(job.versions.path) - duBefore
        // The new version adds its folders and STATUS.json: a few blocks, no file data.
        #expect(added <= 64, "512-byte blocks added: \(added)")
        #expect(duAdded <= 32, "KiB added by du: \(duAdded)")
        for (path, _) in files {
            let old = try Self.info("\(job.versions.path)/\(first.id)/\(path)")
            let new = try Self.info("\(job.versions.path)/\(second.id)/\(path)")
            #expect(old.st_ino == new.st_ino && old.st_dev == new.st_dev, "\(path) is one inode in both versions")
            #expect(new.st_nlink == 2)
            #expect(new.st_mode & 0o7777 == 0o444)
        }
        #expect(versionProblems(jobFolder: job.folder, id: first.id).isEmpty)
        #expect(versionProblems(jobFolder: job.folder, id: second.id).isEmpty)
        #expect(second.contents.map(\.sha256) == files.map { FileSHA256.hex(of: $0.1) })
    }

    @Test("a changed file is copied, an unchanged one linked, and every version is read-only")
    func changedFilesAreCopied() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let same = randomBytes(300_000)
        let first = try Self.promoted(job, try job.stage([("a.bin", same), ("b.bin", randomBytes(200_000))], finishedAt: 0), mode: .linkUnchanged)
        // b.bin keeps its size but not its bytes; c.bin is new; a.bin moves to another path.
        let second = try Self.promoted(
            job, try job.stage([("moved/a.bin", same), ("b.bin", randomBytes(200_000)), ("c.bin", randomBytes(10))], finishedAt: 60),
            mode: .linkUnchanged)
        #expect(second.linkedFiles == 1)
        let versions = job.versions.path
        #expect(try Self.info("\(versions)/\(second.id)/moved/a.bin").st_ino == Self.info("\(versions)/\(first.id)/a.bin").st_ino)
        #expect(try Self.info("\(versions)/\(second.id)/b.bin").st_ino != Self.info("\(versions)/\(first.id)/b.bin").st_ino)
        for id in [first.id, second.id] {
            #expect(versionProblems(jobFolder: job.folder, id: id).isEmpty)
            let root = "\(versions)/\(id)"
            #expect(try Self.info(root).st_mode & 0o7777 == 0o555)
            let enumerator = FileManager.default.enumerator(atPath: root)
            while let path = enumerator?.nextObject() as? String {
                let entry = try Self.info("\(root)/\(path)")
                let expected: mode_t = SystemCall.isFolder(entry) ? 0o555 : 0o444
                #expect(entry.st_mode & 0o7777 == expected, "\(id)/\(path)")
            }
        }
    }

    @Test("a staged file that differs from STATUS.json is a mismatch, even when STATUS.json names a file of the current version")
    func mismatchIsNotLinked() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let data = randomBytes(100_000)
        let first = try Self.promoted(job, try job.stage([("dump.bin", data)], finishedAt: 0), mode: .linkUnchanged)
        // Same listing as the current version, but the staged bytes are not those.
        let listed = job.backup(listing: [.init(path: "dump.bin", size: Int64(data.count), sha256: FileSHA256.hex(of: data))], finishedAt: 60)
        try randomBytes(100_000).write(to: job.staging.appendingPathComponent("dump.bin"))
        guard case .mismatch(let message) = Self.promote(job, listed, mode: .linkUnchanged) else {
            Issue.record("expected a mismatch")
            return
        }
        #expect(message.contains("SHA-256"))
        #expect(job.currentID == first.id)
        #expect(job.versionNames == [first.id])
    }

    @Test("without hashes in STATUS.json an unchanged file is still hashed, then linked")
    func unlistedHashesAreComputed() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let data = randomBytes(50_000)
        let first = try Self.promoted(job, try job.stage([("dump.bin", data)], finishedAt: 0), mode: .linkUnchanged)
        let second = try Self.promoted(job, try job.stage([("dump.bin", data)], finishedAt: 60, sizes: false, hashes: false), mode: .linkUnchanged)
        #expect(second.linkedFiles == 1)
        #expect(second.contents.first?.sha256 == FileSHA256.hex(of: data), "the hash computed to link is recorded for the scrub")
        #expect(try Self.info("\(job.versions.path)/\(second.id)/dump.bin").st_ino == Self.info("\(job.versions.path)/\(first.id)/dump.bin").st_ino)
        let third = try Self.promoted(job, try job.stage([("dump.bin", randomBytes(50_000))], finishedAt: 120, hashes: false), mode: .linkUnchanged)
        #expect(third.linkedFiles == 0, "the first version is the only one with hashes to match, and it is no longer current")
    }

    @Test("retention and recovery delete read-only versions")
    func readOnlyVersionsCanBeDeleted() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let data = randomBytes(10_000)
        var ids: [String] = []
        for minute in [0, 60, 120] {
            ids.append(try Self.promoted(job, try job.stage([("sub/dump.bin", data)], finishedAt: minute), mode: .linkUnchanged, keep: 1).id)
        }
        #expect(job.versionNames == [ids[2]])
        #expect(versionProblems(jobFolder: job.folder, id: ids[2]).isEmpty)
        // A read-only leftover (a kill after the folder was made read-only, before its rename).
        let leftover = job.versions.appendingPathComponent(".tmp-\(ids[2])-1-ab")
        try FileManager.default.createDirectory(at: leftover.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try data.write(to: leftover.appendingPathComponent("sub/dump.bin"))
        chmod(leftover.appendingPathComponent("sub/dump.bin").path, 0o444)
        chmod(leftover.appendingPathComponent("sub").path, 0o555)
        chmod(leftover.path, 0o555)
        let actions = Promoter().recover(jobFolder: job.folder)
        #expect(actions.count == 1 && actions[0].hasPrefix("removed"), "\(actions)")
        #expect(job.leftovers.isEmpty)
    }

    @Test("a version promoted with copy is linked from, and its shared files become read-only")
    func linkingFromACopiedVersion() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let data = randomBytes(20_000)
        let first = try Self.promoted(job, try job.stage([("dump.bin", data)], finishedAt: 0), mode: .copy)
        #expect(try Self.info("\(job.versions.path)/\(first.id)/dump.bin").st_mode & 0o222 != 0, "copy keeps the source's write bits")
        let second = try Self.promoted(job, try job.stage([("dump.bin", data)], finishedAt: 60), mode: .linkUnchanged)
        #expect(second.linkedFiles == 1)
        #expect(try Self.info("\(job.versions.path)/\(first.id)/dump.bin").st_mode & 0o7777 == 0o444)
    }

    /// Captures what a logger says.
    final class Captured: LogHandler, @unchecked Sendable {
        let lines = Mutex<[String]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            lines.withLock { $0.append("\(event.level) \(event.message)") }
        }
    }

    @Test("a file system refusing hard links (an immutable file: EPERM) gets copies, and one warning per scan", .enabled(if: getuid() == 0))
    func refusedLinksFallBackToCopies() throws {
        let job = try PromotionJob()
        defer {
            _ = try? runChattr("-i", job.folder)
            job.remove()
        }
        let files = [("a.bin", randomBytes(30_000)), ("b.bin", randomBytes(40_000))]
        let first = try Self.promoted(job, try job.stage(files, finishedAt: 0), mode: .linkUnchanged)
        try runChattr("+i", "\(job.versions.path)/\(first.id)/a.bin")
        try runChattr("+i", "\(job.versions.path)/\(first.id)/b.bin")
        let captured = Captured()
        let logger = Logger(label: "test") { _ in captured }
        let promoter = Promoter()
        let now = Date()
        let second = try Self.promoted(job, try job.stage(files, finishedAt: 60), mode: .linkUnchanged, promoter: promoter, logger: logger, now: now)
        #expect(second.linkedFiles == 0)
        #expect(second.linkRefusal?.contains("refused to hard-link 2 unchanged files") == true, "\(second.linkRefusal ?? "")")
        #expect(second.linkRefusal?.contains("EPERM") == true)
        #expect(try Self.info("\(job.versions.path)/\(second.id)/a.bin").st_ino != Self.info("\(job.versions.path)/\(first.id)/a.bin").st_ino)
        #expect(versionProblems(jobFolder: job.folder, id: second.id).isEmpty)
        // Another promotion in the same scan (same clock) on the same file system says nothing more.
        let third = try Self.promoted(job, try job.stage(files, finishedAt: 120), mode: .linkUnchanged, promoter: promoter, logger: logger, now: now)
        #expect(third.linkedFiles == 2, "the second version's copies are ordinary files: linked from")
        try runChattr("+i", "\(job.versions.path)/\(third.id)/a.bin")
        _ = try Self.promoted(job, try job.stage(files, finishedAt: 180), mode: .linkUnchanged, promoter: promoter, logger: logger, now: now)
        #expect(captured.lines.withLock { $0.filter { $0.hasPrefix("warning hard links refused") }.count } == 1, "\(captured.lines.withLock { $0 })")
        // The next scan warns again.
        try runChattr("+i", "\(job.versions.path)/\(job.currentID!)/a.bin")
        _ = try Self.promoted(
            job, try job.stage(files, finishedAt: 240), mode: .linkUnchanged, promoter: promoter, logger: logger, now: now.addingTimeInterval(900))
        #expect(captured.lines.withLock { $0.filter { $0.hasPrefix("warning hard links refused") }.count } == 2)
    }

    /// An injected link call: EXDEV cannot be produced honestly inside one temporary folder.
    @Test(
        "refusals (EXDEV, EMLINK, EOPNOTSUPP) fall back to a copy; other errors (ENOSPC) fail the promotion",
        arguments: [EXDEV, EMLINK, EOPNOTSUPP, ENOSPC])
    func injectedRefusals(_ code: Int32) throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let data = randomBytes(30_000)
        _ = try Self.promoted(job, try job.stage([("a.bin", data)], finishedAt: 0), mode: .linkUnchanged)
        let promoter = Promoter(makeLink: { _, _, _, _ in
            errno = code
            return -1
        })
        let result = Self.promote(job, try job.stage([("a.bin", data)], finishedAt: 60), mode: .linkUnchanged, promoter: promoter)
        if code == ENOSPC {
            guard case .failed(let message) = result else {
                Issue.record("expected a failure, got \(result)")
                return
            }
            #expect(message.contains("cannot link versions/") && message.contains("is full"), "\(message)")
            #expect(job.leftovers.isEmpty)
        } else {
            guard case .promoted(let version) = result else {
                Issue.record("expected a promotion, got \(result)")
                return
            }
            #expect(version.linkedFiles == 0)
            #expect(version.linkRefusal != nil)
            #expect(versionProblems(jobFolder: job.folder, id: version.id).isEmpty)
        }
    }

    // MARK: - none

    @Test("none verifies in staging and copies nothing")
    func noneCopiesNothing() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let files = [("repo/data/00/pack", randomBytes(70_000)), ("repo/config", randomBytes(300))]
        let backup = try job.stage(files, finishedAt: 0)
        let snapshot = try job.stagingSnapshot()
        let version = try Self.promoted(job, backup, mode: PromotionMode.none)
        #expect(version.id == backup.versionID)
        #expect(version.path == job.staging.standardizedFileURL.path)
        #expect(version.files == 2 && version.bytes == 70_300)
        #expect(!version.isCurrent)
        #expect(version.contents.map(\.sha256) == files.map { FileSHA256.hex(of: $0.1) })
        #expect(!FileManager.default.fileExists(atPath: job.versions.path))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: job.current)) == nil)
        #expect(try job.stagingSnapshot() == snapshot, "staging is not modified")
        #expect(
            Promoter.isInPlace(
                VersionRecord(id: version.id, path: version.path, finishedAt: Date(), promotedAt: Date(), files: 2, bytes: 1, statusSHA256: "")))
    }

    @Test("none still finds a changed, a resized and a missing file")
    func noneFindsMismatches() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let data = randomBytes(10_000)
        let backup = try job.stage([("dump.bin", data)], finishedAt: 0)
        var changed = data
        changed[5] ^= 0xff
        try changed.write(to: job.staging.appendingPathComponent("dump.bin"))
        guard case .mismatch(let message) = Self.promote(job, backup, mode: PromotionMode.none) else {
            Issue.record("expected a mismatch")
            return
        }
        #expect(message.contains("SHA-256"))
        try data.prefix(9_000).write(to: job.staging.appendingPathComponent("dump.bin"))
        guard case .mismatch = Self.promote(job, backup, mode: PromotionMode.none) else {
            Issue.record("expected a mismatch for the size")
            return
        }
        try FileManager.default.removeItem(at: job.staging.appendingPathComponent("dump.bin"))
        guard case .failed(let missing) = Self.promote(job, backup, mode: PromotionMode.none) else {
            Issue.record("expected a failure for the missing file")
            return
        }
        #expect(missing.contains("vanished"), "\(missing)")
        #expect(!FileManager.default.fileExists(atPath: job.versions.path))
    }
}

/// `chattr FLAG PATH` (root only: an immutable file cannot be hard-linked, EPERM).
@discardableResult
func runChattr(_ flag: String, _ path: String) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
    process.arguments = flag == "-i" ? ["-R", flag, path] : [flag, path]
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    if flag == "+i" && process.terminationStatus != 0 { throw POSIXError(.EPERM) }
    return process.terminationStatus
}
