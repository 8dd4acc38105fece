import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `promote: none` and `promote: link_unchanged` end to end: `apply`, `seal`, `scan`, `status`
/// and `verify` of the built executable, over real files.
@Suite("Promotion modes (commands)")
struct PromotionModeCommandTests {
    static func sandbox(promote: String) throws -> BackupSandbox {
        let box = try BackupSandbox(
            jobs: """
                  db:
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                    promote: \(promote)
                """)
        try box.monitor(["apply", "--now", "2026-11-20T12:00:00Z"])
        return box
    }

    static func night(_ day: Int) -> String { String(format: "2026-11-%02dT02:30:00Z", day) }
    static func morning(_ day: Int) -> String { String(format: "2026-11-%02dT03:00:00Z", day) }

    static func inode(_ url: URL) throws -> UInt64 {
        var info = stat()
        guard stat(url.path, &info) == 0 else { throw POSIXError(.ENOENT) }
        return UInt64(info.st_ino)
    }

    @Test func noneCopiesNothingRecordsTheVersionAndStillFindsAChangedFile() throws {
        let box = try Self.sandbox(promote: "none")
        try box.stage("db", ["repo/data/pack-1": Data(repeating: 7, count: 50_000), "repo/config": Data("id=1\n".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", Self.night(21)])
        try box.monitor(["scan", "--now", Self.morning(21)])
        let status = try box.status("db", now: Self.morning(21))
        #expect(status["status"] as? String == "SUCCESS", "\(status)")
        #expect(box.versions("db").isEmpty, "nothing copied")
        #expect(!FileManager.default.fileExists(atPath: box.backups.appendingPathComponent("db/versions").path))
        #expect(box.currentVersion("db") == nil)
        let latest = try #require(status["latest"] as? [String: Any])
        #expect((latest["version_id"] as? String)?.hasPrefix("20261121T023000Z-") == true, "the version is recorded: \(latest)")

        let verify = try box.monitor(["verify"])
        #expect(verify.stdout.contains("1 version verified in staging (promote: none) not read"), "\(verify.stdout)")

        // The next night, a file changes after the producer sealed it.
        try box.stage("db", ["repo/data/pack-2": Data(repeating: 8, count: 10_000)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", Self.night(22)])
        try box.stage("db", ["repo/data/pack-2": Data(repeating: 9, count: 10_000)])
        try box.monitor(["scan", "--now", Self.morning(22)])
        let after = try box.status("db", now: Self.morning(22))
        #expect(after["status"] as? String == "HASH_MISMATCH", "\(after)")
        let message = try #require((after["latest"] as? [String: Any])?["message"] as? String)
        #expect(message.contains("staging/repo/data/pack-2"), "\(message)")
        #expect(box.versions("db").isEmpty)
    }

    @Test func linkUnchangedSharesUnchangedFilesAndEveryVersionVerifies() throws {
        let box = try Self.sandbox(promote: "link_unchanged")
        let dump = Data((0..<2_000_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) })
        try box.stage("db", ["dump.sql": dump, "roles.sql": Data("night 21\n".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", Self.night(21)])
        try box.monitor(["scan", "--now", Self.morning(21)])
        try box.stage("db", ["roles.sql": Data("night 22\n".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", Self.night(22)])
        try box.monitor(["scan", "--now", Self.morning(22)])
        #expect(try box.status("db", now: Self.morning(22))["status"] as? String == "SUCCESS")
        let versions = box.versions("db")
        try #require(versions.count == 2)
        let folder = box.backups.appendingPathComponent("db/versions")
        #expect(box.currentVersion("db") == "versions/\(versions[1])")
        #expect(
            try Self.inode(folder.appendingPathComponent("\(versions[0])/dump.sql"))
                == Self.inode(folder.appendingPathComponent("\(versions[1])/dump.sql")))
        #expect(
            try Self.inode(folder.appendingPathComponent("\(versions[0])/roles.sql"))
                != Self.inode(folder.appendingPathComponent("\(versions[1])/roles.sql")))
        let verify = try box.monitor(["verify"])
        #expect(verify.stdout.contains("Checked 2 versions"), "\(verify.stdout)")
        #expect(verify.stdout.contains("all intact"), "\(verify.stdout)")
    }

    /// Read-only versions are deleted by retention when monitor is not root (root ignores
    /// permissions): `scan` runs as `nobody` over a sandbox it owns. Needs root to switch user.
    @Test(.enabled(if: getuid() == 0, "switching to nobody needs root"))
    func retentionDeletesReadOnlyVersionsWithoutRoot() throws {
        let box = try BackupSandbox(
            jobs: """
                  db:
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                    promote: link_unchanged
                """, keepVersions: 1)
        let monitor = try MonitorExecutable.url().path
        func asNobody(_ arguments: [String], expecting exit: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
            let result = try runProcess(
                URL(fileURLWithPath: "/usr/bin/setpriv"), ["--reuid=65534", "--regid=65534", "--clear-groups"] + arguments,
                environment: monitorBaseEnvironment, in: box.root)
            #expect(result.exit == exit, "\(arguments): \(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
            return result
        }
        func giveToNobody() throws {
            let result = try runProcess(
                URL(fileURLWithPath: "/bin/chown"), ["-R", "65534:65534", box.root.path], environment: monitorBaseEnvironment)
            try #require(result.exit == 0, "\(result.stderr)")
        }
        try giveToNobody()
        _ = try asNobody([monitor, "apply", "--now", "2026-11-20T12:00:00Z"])
        let dump = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 3) })
        var promoted: [String] = []
        for day in 21...23 {
            try box.stage("db", ["dump.sql": dump, "sub/roles.sql": Data("night \(day)\n".utf8)])
            try giveToNobody()
            _ = try asNobody([monitor, "seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", Self.night(day)])
            _ = try asNobody([monitor, "scan", "--now", Self.morning(day)])
            promoted.append(contentsOf: box.versions("db").filter { !promoted.contains($0) })
        }
        #expect(promoted.count == 3, "\(promoted)")
        #expect(box.versions("db") == [promoted.last].compactMap { $0 }, "keep_versions 1 leaves the newest only")
        #expect(box.leftovers("db").isEmpty, "\(box.leftovers("db"))")
        #expect(try box.status("db", now: Self.morning(23))["status"] as? String == "SUCCESS")
        // What retention had to get past: without root, a read-only version cannot simply be removed.
        let kept = box.backups.appendingPathComponent("db/versions/\(promoted[2])").path
        let plain = try asNobody(["/bin/rm", "-rf", kept], expecting: 1)
        #expect(plain.stderr.contains("Permission denied"), "\(plain.stderr)")
    }

    @Test func planShowsAChangedMode() throws {
        let box = try Self.sandbox(promote: "copy")
        let config = box.root.appendingPathComponent("monitor.yaml")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "promote: copy", with: "promote: link_unchanged")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let plan = try box.monitor(["plan"])
        #expect(plan.stdout.contains("~ job db"), "\(plan.stdout)")
        #expect(plan.stdout.contains("promote: \"copy\" -> \"link_unchanged\""), "\(plan.stdout)")
    }
}
