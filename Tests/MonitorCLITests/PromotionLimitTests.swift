import Foundation
import Testing

// SPEC §5: "Errors (... disk full ...) fail that promotion with a clear message in the ledger".
// A file-size limit (RLIMIT_FSIZE) makes write(2) fail with EFBIG exactly as a full disk makes
// it fail with ENOSPC, without needing root to mount a small file system; the library tests
// cover ENOSPC on a real tmpfs.

@Suite struct PromotionLimitTests {
    @Test func aWriteRefusedByTheFileSizeLimitFailsThePromotionAndTheNextScanRetries() throws {
        let box = try BackupSandbox.dailyJob()
        try box.stage("db", ["dump.sql.gz": Data(repeating: 1, count: 1000)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-21T02:10:00Z"])
        try box.monitor(["scan", "--now", "2026-11-21T02:30:00Z"])
        let previous = try #require(box.currentVersion("db"))

        try box.stage("db", ["dump.sql.gz": Data(repeating: 2, count: 3 << 20)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-22T02:10:00Z"])
        // SIGXFSZ ignored (a disposition that survives exec), so the write fails instead of killing monitor.
        let limited = try runProcess(
            URL(fileURLWithPath: "/bin/sh"),
            [
                "-c", #"trap '' XFSZ; exec "$0" --fsize=2097152 -- "$@""#,
                try programOnPath("prlimit", installHint: "install util-linux").path,
                try MonitorExecutable.url().path, "scan", "--now", "2026-11-22T03:00:00Z",
            ], environment: monitorBaseEnvironment, in: box.root)

        #expect(limited.exit == 0, "\(limited.stdout)\(limited.stderr)")
        let latest = try #require(try box.occurrences("db", now: "2026-11-22T03:00:00Z").first)
        #expect(latest["state"] as? String == "FAILED")
        let message = try #require(latest["message"] as? String)
        #expect(message.contains("cannot write versions/20261122T021000Z-"), "\(message)")
        #expect(
            message.contains(
                "/dump.sql.gz: file too large (EFBIG) — the file is larger than the file system (or the process file-size limit) allows"),
            "\(message)")
        #expect(box.currentVersion("db") == previous)
        #expect(box.versions("db").count == 1)
        #expect(box.leftovers("db").isEmpty)

        // Without the limit the next scan promotes the same status file.
        try box.monitor(["scan", "--now", "2026-11-22T03:15:00Z"])
        #expect(try box.occurrences("db", now: "2026-11-22T03:15:00Z").first?["state"] as? String == "SUCCESS")
        #expect(box.currentVersion("db")?.hasPrefix("versions/20261122T021000Z-") == true)
    }
}
