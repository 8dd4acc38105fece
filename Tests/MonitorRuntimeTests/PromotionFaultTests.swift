import Foundation
import MonitorCore
import MonitorRuntime
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// Promotions that must fail (SPEC §5): content that does not match, files that vanish, no
// permission, no space. In every case the previous version stays current and nothing is left behind.

@Suite("Promotion faults")
struct PromotionFaultTests {
    /// A job with one good version already current, and the next backup staged.
    private func jobWithCurrentVersion() throws -> (PromotionJob, previous: StagedBackup) {
        let job = try PromotionJob()
        do {
            let previous = try job.stage([("dump.sql.gz", randomBytes(1000))], finishedAt: 0)
            try #require(job.promoted(previous) != nil)
            return (job, previous)
        } catch {
            job.remove()  // the caller's defer is not in place yet
            throw error
        }
    }

    /// The previous version is still current and sound, and no temporary folder or link remains.
    private func expectUnharmed(_ job: PromotionJob, previous: StagedBackup, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(job.currentID == previous.versionID, sourceLocation: sourceLocation)
        #expect(versionProblems(jobFolder: job.folder, id: previous.versionID).isEmpty, sourceLocation: sourceLocation)
        #expect(job.versionNames == [previous.versionID], sourceLocation: sourceLocation)
        #expect(job.leftovers.isEmpty, sourceLocation: sourceLocation)
    }

    @Test("a file whose SHA-256 differs from STATUS.json is a mismatch")
    func hashMismatch() throws {
        let (job, previous) = try jobWithCurrentVersion()
        defer { job.remove() }
        var next = try job.stage([("dump.sql.gz", Data("tampered".utf8))], finishedAt: 60)
        let claimed = String(repeating: "ab", count: 32)
        next.report.files[0].sha256 = claimed

        #expect(
            job.promote(next)
                == .mismatch(
                    message:
                        "staging/dump.sql.gz: SHA-256 is \(FileSHA256.hex(of: Data("tampered".utf8))), STATUS.json says \(claimed)"))
        expectUnharmed(job, previous: previous)
    }

    @Test("a file whose size differs from STATUS.json is a mismatch, found before copying")
    func sizeMismatch() throws {
        let (job, previous) = try jobWithCurrentVersion()
        defer { job.remove() }
        var next = try job.stage([("globals/roles.sql", Data("ok".utf8)), ("dump.sql.gz", randomBytes(3000))], finishedAt: 60)
        next.report.files[1].size = 2999

        #expect(job.promote(next) == .mismatch(message: "staging/dump.sql.gz is 3000 bytes, STATUS.json says 2999"))
        expectUnharmed(job, previous: previous)
    }

    @Test("a listed file that vanished before the copy fails the promotion")
    func vanishedFile() throws {
        let (job, previous) = try jobWithCurrentVersion()
        defer { job.remove() }
        let next = try job.stage([("a.sql", Data("a".utf8)), ("b.sql", Data("b".utf8))], finishedAt: 60)
        try FileManager.default.removeItem(at: job.staging.appendingPathComponent("b.sql"))

        #expect(
            job.promote(next)
                == .failed(
                    message:
                        "staging/b.sql vanished before it could be copied — the producer must not delete or rename files listed in STATUS.json"))
        expectUnharmed(job, previous: previous)
    }

    @Test("with several bad files, the first in the report's order is the one reported, whatever finishes first")
    func firstFailureInReportOrder() throws {
        let (job, previous) = try jobWithCurrentVersion()
        defer { job.remove() }
        var next = try job.stage([("big.sql", randomBytes(6 << 20)), ("gone.sql", Data("g".utf8)), ("small.sql", Data("s".utf8))], finishedAt: 60)
        next.report.files[0].sha256 = String(repeating: "0", count: 64)
        try FileManager.default.removeItem(at: job.staging.appendingPathComponent("gone.sql"))

        guard case .mismatch(let message) = job.promote(next) else {
            Issue.record("expected the mismatch of big.sql, the first file listed")
            return
        }
        #expect(message.hasPrefix("staging/big.sql: SHA-256 is "))
        expectUnharmed(job, previous: previous)
    }

    @Test("no permission to write under versions/ fails the promotion with what to do")
    func permissionDenied() throws {
        let (job, previous) = try jobWithCurrentVersion()
        defer { job.remove() }
        let next = try job.stage([("dump.sql.gz", randomBytes(1000))], finishedAt: 60)

        let result = try withoutWriteAccess(to: job.versions.path) { job.promote(next) }

        guard case .failed(let message) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(message.hasPrefix("cannot create versions/\(next.versionID)/: permission denied (EACCES)"))
        #expect(message.hasSuffix("— monitor needs write access to \(job.folder) and everything under it but staging/"))
        expectUnharmed(job, previous: previous)
    }

    @Test("versions/ that is not a folder fails the promotion")
    func versionsIsAFile() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let backup = try job.stage([("dump.sql.gz", Data("x".utf8))])
        try Data().write(to: job.versions)

        #expect(
            job.promote(backup)
                == .failed(
                    message:
                        "\(job.folder)/versions exists but is not a folder; move it away so that monitor can keep versions there"))
        #expect(job.currentID == nil)
    }

    @Test(
        "a full disk fails the promotion and frees what the partial copy took",
        .enabled(if: TemporaryMount.isAllowed, "mounting a small tmpfs needs root (CAP_SYS_ADMIN)"))
    func diskFull() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        try FileManager.default.createDirectory(at: job.versions, withIntermediateDirectories: true)
        let mount = try TemporaryMount(tmpfsAt: job.versions.path, size: "2m")
        defer { mount.unmount() }
        let previous = try job.stage([("dump.sql.gz", randomBytes(1000))], finishedAt: 0)
        try #require(job.promoted(previous) != nil)
        let next = try job.stage([("small.sql", Data("s".utf8)), ("dump.sql.gz", randomBytes(3 << 20))], finishedAt: 60)

        let result = job.promote(next)

        #expect(
            result
                == .failed(
                    message: """
                        cannot write versions/\(next.versionID)/dump.sql.gz: no space left on device (ENOSPC) \
                        — the disk holding \(job.folder) is full; free space there or lower keep_versions
                        """))
        expectUnharmed(job, previous: previous)
        // The partial copy was removed, so the next backup that fits goes through.
        let fits = try job.stage([("dump.sql.gz", randomBytes(1 << 20))], finishedAt: 120)
        #expect(job.promoted(fits)?.isCurrent == true)
    }

    @Test("current_version that is a real folder is not replaced, and the operator is told")
    func currentIsAFolder() throws {
        let job = try PromotionJob()
        defer { job.remove() }
        let backup = try job.stage([("dump.sql.gz", Data("x".utf8))])
        try FileManager.default.createDirectory(atPath: "\(job.current)/old", withIntermediateDirectories: true)

        #expect(
            job.promote(backup)
                == .failed(
                    message: """
                        \(job.folder)/current_version is a folder, not the symbolic link monitor manages; versions/\(backup.versionID) \
                        is complete but could not be made current — move current_version away
                        """))
        #expect(FileManager.default.fileExists(atPath: "\(job.current)/old"))
        #expect(versionProblems(jobFolder: job.folder, id: backup.versionID).isEmpty)
    }
}

/// Runs `body` unable to write to `folder`.
///
/// Tests run as root in the sandbox, where mode bits stop nothing, so as root this switches the
/// calling thread's file-system identity to `nobody` (setfsuid(2) is per thread, and leaving uid 0
/// drops CAP_DAC_OVERRIDE for that thread) — a real EACCES from the kernel, with no effect on
/// tests running on other threads. As another user, removing the write bits is enough.
func withoutWriteAccess<T>(to folder: String, _ body: () throws -> T) throws -> T {
    guard geteuid() == 0 else {
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }
        return try body()
    }
    typealias SetFSUID = @convention(c) (UInt32) -> Int32
    let symbol = try #require(dlsym(nil, "setfsuid"), "setfsuid is not in the C library")
    let setfsuid = unsafeBitCast(symbol, to: SetFSUID.self)
    _ = setfsuid(65534)
    defer { _ = setfsuid(0) }
    // setfsuid reports the previous value whatever happens; asking again confirms the switch.
    try #require(setfsuid(UInt32.max) == 65534, "could not switch the file-system uid to nobody")
    return try body()
}

/// A tmpfs mounted for one test: a file system that really runs out of space.
struct TemporaryMount {
    let path: String

    init(tmpfsAt path: String, size: String) throws {
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(size)") == 0 else {
            throw CocoaError(
                .fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "mount: \(String(cString: strerror(errno)))"])
        }
        self.path = path
    }

    func unmount() { _ = umount2(path, Int32(MNT_DETACH)) }

    /// Whether this process may mount file systems (root with CAP_SYS_ADMIN, outside a locked-down container).
    static let isAllowed: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-mount-probe-\(UUID().uuidString)").path
        guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard let mount = try? TemporaryMount(tmpfsAt: probe, size: "1m") else { return false }
        mount.unmount()
        return true
    }()
}
