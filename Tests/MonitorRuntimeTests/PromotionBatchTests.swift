import Foundation
import MonitorCore
import Synchronization
import Testing

@testable import MonitorRuntime

#if canImport(Glibc)
    import Glibc
#endif

// A batch of promotions (a scan's): flushed together, but with every guarantee of a single one.

@Suite("Promotion batches")
struct PromotionBatchTests {
    /// The steps of a batch, in the order the promoter took them.
    final class Steps: Sendable {
        private let taken = Mutex<[PromotionStep]>([])
        var all: [PromotionStep] { taken.withLock { $0 } }
        func record(_ step: PromotionStep) { taken.withLock { $0.append(step) } }
    }

    private func request(_ job: PromotionJob, _ backup: StagedBackup) -> PromotionRequest {
        PromotionRequest(report: backup.report, statusBytes: backup.statusBytes, jobFolder: job.folder, versionID: backup.versionID)
    }

    @Test("every version of a batch is staged, the file system flushed, and only then is any installed; one more flush follows")
    func flushesBeforeAnySwitch() throws {
        let jobs = try (0..<4).map { _ in try PromotionJob() }
        defer { for job in jobs { job.remove() } }
        let backups = try jobs.map { try $0.stage([("dump.sql.gz", randomBytes(3000)), ("globals/roles.sql", Data("CREATE ROLE app;\n".utf8))]) }
        let steps = Steps()

        let results = Promoter(step: steps.record).promote(zip(jobs, backups).map(request))

        for (job, (backup, result)) in zip(jobs, zip(backups, results)) {
            guard case .promoted(let version) = result else {
                Issue.record("expected a promotion, got \(result)")
                continue
            }
            #expect(version.isCurrent && version.id == backup.versionID)
            #expect(job.currentID == backup.versionID)
            #expect(versionProblems(jobFolder: job.folder, id: backup.versionID).isEmpty)
            #expect(job.leftovers.isEmpty)
        }
        var device = stat()
        try #require(stat(jobs[0].folder, &device) == 0)
        let flushed = PromotionStep.flushed(device: UInt64(device.st_dev))
        #expect(
            steps.all
                == jobs.map { .staged(jobFolder: $0.folder) } + [flushed] + jobs.map { .installed(jobFolder: $0.folder) } + [flushed])
    }

    @Test("a batch of fewer promotions than the minimum flushes each on its own, never the whole file system")
    func aSmallBatchFlushesItsOwnFilesOnly() throws {
        let jobs = try (0..<3).map { _ in try PromotionJob() }
        defer { for job in jobs { job.remove() } }
        let backups = try jobs.map { try $0.stage([("dump.sql.gz", randomBytes(3000))]) }
        let steps = Steps()

        let results = Promoter(sharedFlushMinimum: Promoter.sharedFlushMinimum, step: steps.record).promote(zip(jobs, backups).map(request))

        for (job, (backup, result)) in zip(jobs, zip(backups, results)) {
            guard case .promoted = result else {
                Issue.record("expected a promotion, got \(result)")
                continue
            }
            #expect(job.currentID == backup.versionID)
            #expect(versionProblems(jobFolder: job.folder, id: backup.versionID).isEmpty)
        }
        #expect(steps.all.isEmpty, "no batch step: each promotion flushed its own files")
    }

    @Test("a promotion of a batch that fails fails alone, leaving its job as it was and nothing behind")
    func failureStaysAlone() throws {
        let jobs = try (0..<3).map { _ in try PromotionJob() }
        defer { for job in jobs { job.remove() } }
        let previous = try jobs[1].stage([("dump.sql.gz", randomBytes(1000))], finishedAt: 0)
        try #require(jobs[1].promoted(previous) != nil)
        var backups = try jobs.map { try $0.stage([("dump.sql.gz", randomBytes(2 << 20))], finishedAt: 60) }
        backups[1].report.files[0].sha256 = String(repeating: "0", count: 64)

        let results = Promoter().promote(zip(jobs, backups).map(request))

        guard case .mismatch(let message) = results[1] else {
            Issue.record("expected a mismatch, got \(results[1])")
            return
        }
        #expect(message.hasPrefix("staging/dump.sql.gz: SHA-256 is "))
        #expect(jobs[1].currentID == previous.versionID && jobs[1].versionNames == [previous.versionID] && jobs[1].leftovers.isEmpty)
        for index in [0, 2] {
            #expect(results[index] != results[1])
            #expect(jobs[index].currentID == backups[index].versionID)
            #expect(versionProblems(jobFolder: jobs[index].folder, id: backups[index].versionID).isEmpty)
        }
    }

    @Test("two backups of one job in a batch are promoted one after the other, the newer made current")
    func sameJobTwice() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let older = try job.stage([("first.sql", Data("first".utf8))], finishedAt: 0)
        let newer = try job.stage([("second.sql", Data("second".utf8))], finishedAt: 60)
        let steps = Steps()

        let results = Promoter(step: steps.record).promote([request(job, older), request(job, newer)])

        #expect(results.allSatisfy { if case .promoted = $0 { true } else { false } })
        #expect(job.currentID == newer.versionID)
        #expect(job.versionNames == [older.versionID, newer.versionID])
        // The first was installed (its lock released) before the second was staged.
        let order = steps.all.filter { if case .flushed = $0 { false } else { true } }
        #expect(
            order == [
                .staged(jobFolder: job.folder), .installed(jobFolder: job.folder), .staged(jobFolder: job.folder),
                .installed(jobFolder: job.folder),
            ])
    }

    @Test("a version already promoted (a scan stopped before recording it) is reused by a batch and made current")
    func reusesInstalledVersion() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let backup = try job.stage([("dump.sql.gz", randomBytes(5000))])
        try #require(job.promoted(backup) != nil)
        try FileManager.default.removeItem(atPath: job.current)

        let results = Promoter().promote([request(job, backup)])

        guard case .promoted(let version) = results[0] else {
            Issue.record("expected a promotion, got \(results[0])")
            return
        }
        #expect(version.isCurrent && job.currentID == backup.versionID && job.versionNames == [backup.versionID])
    }

    @Test("the files of one version, copied two at a time, are each verified: a bad one anywhere fails the version")
    func parallelFilesAllVerified() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let files = (0..<6).map { ("part-\($0).bin", randomBytes((1 << 20) + $0 * 4099)) }
        let good = try job.stage(files)
        #expect(job.promoted(good) != nil)
        #expect(versionProblems(jobFolder: job.folder, id: good.versionID).isEmpty)
        for bad in [0, 3, 5] {
            var next = try job.stage(files, finishedAt: 60 + bad)
            // Same size, one byte different from what STATUS.json declares.
            var changed = files[bad].1
            changed[changed.count / 2] ^= 0xff
            try changed.write(to: job.staging.appendingPathComponent(files[bad].0))
            next.report.files[bad].sha256 = FileSHA256.hex(of: files[bad].1)
            let result = Promoter().promote([request(job, next)])[0]
            guard case .mismatch(let message) = result else {
                Issue.record("file \(bad): expected a mismatch, got \(result)")
                continue
            }
            #expect(message.hasPrefix("staging/part-\(bad).bin: SHA-256 is \(FileSHA256.hex(of: changed))"))
            #expect(job.currentID == good.versionID && job.leftovers.isEmpty)
            try files[bad].1.write(to: job.staging.appendingPathComponent(files[bad].0))
        }
    }

    @Test("bytes that change while they are copied never make a version: a promotion either fails or holds exactly the declared bytes")
    func changingBytesCannotPass() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let original = randomBytes(24 << 20)
        let path = job.staging.appendingPathComponent("dump.sql.gz").path
        var outcomes: [String] = []
        for round in 0..<4 {
            let backup = try job.stage([("dump.sql.gz", original)], finishedAt: round)
            // Another writer flips bytes all over the file, and flips them back, until the promotion ends.
            let done = Atomic<Bool>(false)
            let writer = Thread {
                let fd = open(path, O_WRONLY)
                defer { close(fd) }
                var offset = 0
                var byte: UInt8 = 0
                while !done.load(ordering: .relaxed) {
                    let position = (offset * 7_919 + round * 65_537) % original.count
                    byte = ~original[position]
                    _ = pwrite(fd, &byte, 1, off_t(position))
                    byte = original[position]
                    _ = pwrite(fd, &byte, 1, off_t(position))
                    offset += 1
                }
            }
            writer.start()
            let result = round % 2 == 0 ? job.promote(backup) : Promoter().promote([request(job, backup)])[0]
            done.store(true, ordering: .relaxed)
            while !writer.isFinished { usleep(1000) }
            switch result {
            case .promoted(let version):
                // Whatever was read, what was kept is what STATUS.json declares.
                #expect(versionProblems(jobFolder: job.folder, id: version.id).isEmpty)
                outcomes.append("promoted")
            case .mismatch(let message):
                #expect(message.hasPrefix("staging/dump.sql.gz: SHA-256 is "))
                #expect(job.leftovers.isEmpty)
                outcomes.append("mismatch")
            default:
                Issue.record("round \(round): \(result)")
            }
            try original.write(to: URL(fileURLWithPath: path))
        }
        #expect(outcomes.count == 4)
    }
}

/// A small XFS file system (reflink on, the default of mkfs.xfs) on a loop device, for the clone path.
struct XFSMount {
    let image: String
    let path: String

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-xfs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        image = root.appendingPathComponent("xfs.img").path
        path = root.appendingPathComponent("mnt").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: image, contents: nil), truncate(image, 320 << 20) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: image])
        }
        try Self.run("/usr/sbin/mkfs.xfs", "-q", "-f", image)
        try Self.run("/usr/bin/mount", "-o", "loop", image, path)
    }

    func remove() {
        try? Self.run("/usr/bin/umount", "-l", path)
        try? FileManager.default.removeItem(atPath: (image as NSString).deletingLastPathComponent)
    }

    /// Free bytes on the mounted file system.
    var freeBytes: Int64 {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return -1 }
        return Int64(info.f_bfree) * Int64(info.f_frsize)
    }

    private static func run(_ program: String, _ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(program) \(arguments) failed"])
        }
    }

    /// Whether XFS images can be made and loop-mounted here (mkfs.xfs installed, root allowed to mount).
    static let isAllowed: Bool =
        TemporaryMount.isAllowed && FileManager.default.isExecutableFile(atPath: "/usr/sbin/mkfs.xfs")
        && FileManager.default.fileExists(atPath: "/dev/loop-control")
}

@Suite("Promotion by clone")
struct PromotionCloneTests {
    @Test(
        "on a file system that clones, a version shares the staged blocks and is still verified by reading it",
        .enabled(if: XFSMount.isAllowed, "needs root, loop devices and mkfs.xfs (xfsprogs, scripts/setup-test-deps)"))
    func clonesAndVerifies() throws {
        let xfs = try XFSMount()
        defer { xfs.remove() }
        let job = try PromotionJob(at: "\(xfs.path)/postgres-prod")
        let folder = job.folder
        let dump = randomBytes(48 << 20)
        let backup = try job.stage([("dump.sql.gz", dump)])
        sync()
        let free = xfs.freeBytes

        let result = Promoter().promote([
            PromotionRequest(report: backup.report, statusBytes: backup.statusBytes, jobFolder: folder, versionID: backup.versionID)
        ])[0]

        guard case .promoted(let version) = result else {
            Issue.record("expected a promotion, got \(result)")
            return
        }
        #expect(version.isCurrent && version.bytes == Int64(dump.count))
        #expect(versionProblems(jobFolder: folder, id: backup.versionID).isEmpty)
        // A copy would have taken 48 MiB; a clone takes a few blocks of metadata.
        #expect(free - xfs.freeBytes < 4 << 20, "free space fell by \(free - xfs.freeBytes) bytes")
        // The hash is checked on the clone too: a wrong declared SHA-256 is a mismatch.
        let wrong = job.backup(
            listing: [.init(path: "dump.sql.gz", size: Int64(dump.count), sha256: String(repeating: "0", count: 64))], finishedAt: 60)
        #expect(
            Promoter().promote(
                report: wrong.report, statusBytes: wrong.statusBytes, jobFolder: folder, versionID: wrong.versionID, keepVersions: 3)
                == .mismatch(
                    message: "staging/dump.sql.gz: SHA-256 is \(FileSHA256.hex(of: dump)), STATUS.json says \(String(repeating: "0", count: 64))"))
        #expect(Promoter().currentVersionID(jobFolder: folder) == backup.versionID)
    }
}
