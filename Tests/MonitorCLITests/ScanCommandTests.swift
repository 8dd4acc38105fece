import Foundation
import Testing

/// `seal` → `scan --now` → `status --format json`, end to end with the built executable.
@Suite struct ScanCommandTests {
    func sandbox(keepVersions: Int = 3) throws -> BackupSandbox {
        try BackupSandbox.dailyJob(keepVersions: keepVersions)
    }

    @Test func aSealedBackupIsPromotedVerifiedAndScanningAgainChangesNothing() throws {
        let box = try sandbox()
        let dump = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try box.stage("db", ["dump.sql.gz": dump, "globals/roles.sql": Data("CREATE ROLE app;\n".utf8)])
        try box.monitor([
            "seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-21T02:17:45Z", "--message", "pg_dump finished",
        ])
        let stagingBefore = try Data(contentsOf: box.staging("db").appendingPathComponent("STATUS.json"))

        let scan = try box.monitor(["scan", "--now", "2026-11-21T03:00:00Z"])
        #expect(scan.stdout == "Scanned 1 job at 2026-11-21T03:00:00Z; 1 SUCCESS; 1 promoted.\n")
        let current = try #require(box.currentVersion("db"))
        #expect(current.hasPrefix("versions/20261121T021745Z-"))
        let version = box.backups.appendingPathComponent("db").appendingPathComponent(current)
        #expect(try Data(contentsOf: version.appendingPathComponent("dump.sql.gz")) == dump)
        #expect(try Data(contentsOf: version.appendingPathComponent("globals/roles.sql")) == Data("CREATE ROLE app;\n".utf8))
        #expect(try Data(contentsOf: version.appendingPathComponent("STATUS.json")) == stagingBefore)

        let job = try box.status("db", now: "2026-11-21T03:00:00Z")
        #expect(job["status"] as? String == "SUCCESS")
        #expect(job["last_success_at"] as? String == "2026-11-21T02:17:45Z")
        let currentVersion = try #require(job["current_version"] as? [String: Any])
        #expect(currentVersion["files"] as? Int == 2)
        #expect(currentVersion["bytes"] as? Int == dump.count + 17)
        let latest = try #require(job["latest"] as? [String: Any])
        #expect(latest["state"] as? String == "SUCCESS")
        #expect(latest["scheduled_at"] as? String == "2026-11-21T02:00:00Z")
        #expect(latest["window_end"] as? String == "2026-11-21T05:00:00Z")
        #expect(latest["message"] as? String == "pg_dump finished")
        #expect(latest["late"] as? Bool == false)

        // Processed once: a second scan promotes nothing and changes no verdict.
        let again = try box.monitor(["scan", "--now", "2026-11-21T03:15:00Z"])
        #expect(again.stdout == "Scanned 1 job at 2026-11-21T03:15:00Z; no new verdict; 0 promoted.\n")
        #expect(box.versions("db").count == 1)
        // Staging is never modified.
        #expect(try Data(contentsOf: box.staging("db").appendingPathComponent("STATUS.json")) == stagingBefore)
        #expect(try Data(contentsOf: box.staging("db").appendingPathComponent("dump.sql.gz")) == dump)
    }

    @Test func catchUpAfterDowntimeYieldsOneMissingPerDayAndALateArrivalReplacesIt() throws {
        let box = try sandbox()
        // Applied on the 20th after that night's window: the 21st, 22nd and 23rd were expected.
        let scan = try box.monitor(["scan", "--now", "2026-11-23T12:00:00Z"])
        #expect(scan.stdout == "Scanned 1 job at 2026-11-23T12:00:00Z; 3 MISSING; 0 promoted.\n")
        let states = try box.occurrences("db", now: "2026-11-23T12:00:00Z").map { "\($0["scheduled_at"]!) \($0["state"]!)" }
        #expect(states == ["2026-11-23T02:00:00Z MISSING", "2026-11-22T02:00:00Z MISSING", "2026-11-21T02:00:00Z MISSING"])

        try box.stage("db", ["dump.sql": Data("late but fine\n".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-23T11:00:00Z"])
        try box.monitor(["scan", "--now", "2026-11-23T12:15:00Z"])
        let latest = try #require(try box.occurrences("db", now: "2026-11-23T12:15:00Z").first)
        #expect(latest["state"] as? String == "SUCCESS")
        #expect(latest["late"] as? Bool == true)
        #expect(try box.status("db", now: "2026-11-23T12:15:00Z")["status"] as? String == "SUCCESS")
    }

    @Test func aRetryAfterAFailureGivesTheVerdictOfTheLatestRun() throws {
        let box = try sandbox()
        try box.stage("db", ["partial.sql": Data("oops".utf8)])
        try box.monitor([
            "seal", "backups/db/staging", "--status", "FAILED", "--finished-at", "2026-11-21T02:05:00Z", "--message", "disk full on db1",
        ])
        try box.monitor(["scan", "--now", "2026-11-21T02:10:00Z"])
        #expect(try box.occurrences("db", now: "2026-11-21T02:10:00Z").first?["message"] as? String == "disk full on db1")
        #expect(try box.status("db", now: "2026-11-21T02:10:00Z")["status"] as? String == "FAILED")

        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-21T02:40:00Z"])
        try box.monitor(["scan", "--now", "2026-11-21T02:45:00Z"])
        let occurrences = try box.occurrences("db", now: "2026-11-21T02:45:00Z")
        #expect(occurrences.count == 1)
        #expect(occurrences.first?["state"] as? String == "SUCCESS")
    }

    @Test func aHashMismatchPromotesNothingAndKeepsTheCurrentVersion() throws {
        let box = try sandbox()
        try box.stage("db", ["dump.sql": Data("good\n".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-21T02:30:00Z"])
        try box.monitor(["scan", "--now", "2026-11-21T03:00:00Z"])
        let good = try #require(box.currentVersion("db"))

        // The next night the file changes after sealing: its hash no longer matches.
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-22T02:30:00Z"])
        try box.stage("db", ["dump.sql": Data("tampered\n".utf8)])
        try box.monitor(["scan", "--now", "2026-11-22T03:00:00Z"])
        let latest = try #require(try box.occurrences("db", now: "2026-11-22T03:00:00Z").first)
        #expect(latest["state"] as? String == "HASH_MISMATCH")
        #expect((latest["message"] as? String)?.contains("dump.sql") == true)
        #expect(box.currentVersion("db") == good)
        #expect(box.versions("db").count == 1)
    }

    struct Hostile: Sendable, CustomTestStringConvertible {
        let name: String
        let status: String
        let expected: String
        var testDescription: String { name }
    }

    static let zeros = String(repeating: "0", count: 64)
    static let hostile: [Hostile] = [
        Hostile(name: "invalid JSON", status: "{\"status\": \"SUCCESS\",", expected: "invalid status file"),
        Hostile(
            name: "path traversal",
            status: """
                {"status":"SUCCESS","finished_at":"2026-11-21T02:30:00Z","files":[{"path":"../../../etc/passwd","sha256":"\(zeros)"}]}
                """, expected: ".."),
        Hostile(
            name: "absolute path",
            status: """
                {"status":"SUCCESS","finished_at":"2026-11-21T02:30:00Z","files":[{"path":"/etc/passwd","sha256":"\(zeros)"}]}
                """, expected: "/etc/passwd"),
        Hostile(
            name: "another job's status file",
            status: """
                {"job":"web","status":"SUCCESS","finished_at":"2026-11-21T02:30:00Z","files":[{"path":"dump.sql","sha256":"\(zeros)"}]}
                """, expected: "web"),
        Hostile(
            name: "a listed file that is missing",
            status: """
                {"status":"SUCCESS","finished_at":"2026-11-21T02:30:00Z","files":[{"path":"nowhere.sql","sha256":"\(zeros)"}]}
                """, expected: "nowhere.sql"),
        Hostile(
            name: "wrong types",
            status: """
                {"status":"SUCCESS","finished_at":12,"files":"dump.sql"}
                """, expected: "finished_at"),
    ]

    @Test(arguments: hostile) func aHostileStatusFileMakesTheOccurrenceFailedWithAClearMessage(_ example: Hostile) throws {
        let box = try sandbox()
        try box.stage("db", ["dump.sql": Data("data".utf8)])
        try box.writeStatus("db", example.status, modified: date("2026-11-21T02:30:00Z"))
        try box.monitor(["scan", "--now", "2026-11-21T03:00:00Z"])
        let latest = try #require(try box.occurrences("db", now: "2026-11-21T03:00:00Z").first)
        #expect(latest["state"] as? String == "FAILED")
        let message = try #require(latest["message"] as? String)
        #expect(message.contains(example.expected), "\(message)")
        #expect(box.currentVersion("db") == nil)
        #expect(box.versions("db").isEmpty)
    }

    @Test func aSymlinkToOutsideStagingIsRefused() throws {
        let box = try sandbox()
        try FileManager.default.createDirectory(at: box.staging("db"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: box.staging("db").appendingPathComponent("dump.sql").path, withDestinationPath: "/etc/passwd")
        // Refused before any byte is read, whatever the hash says.
        let hash = Self.zeros
        try box.writeStatus(
            "db",
            """
            {"status":"SUCCESS","finished_at":"2026-11-21T02:30:00Z","files":[{"path":"dump.sql","sha256":"\(hash)"}]}
            """, modified: date("2026-11-21T02:30:00Z"))
        try box.monitor(["scan", "--now", "2026-11-21T03:00:00Z"])
        let latest = try #require(try box.occurrences("db", now: "2026-11-21T03:00:00Z").first)
        #expect(latest["state"] as? String == "FAILED")
        #expect((latest["message"] as? String)?.contains("symlink") == true || (latest["message"] as? String)?.contains("symbolic link") == true)
        #expect(box.versions("db").isEmpty)
    }

    @Test func anInvalidStatusFileStillBeingWrittenIsLeftForTheNextScan() throws {
        let box = try sandbox()
        try box.writeStatus("db", "{\"status\": \"SUCC", modified: date("2026-11-21T02:59:50Z"))
        try box.monitor(["scan", "--now", "2026-11-21T03:00:00Z"])
        #expect(try box.occurrences("db", now: "2026-11-21T03:00:00Z").first?["state"] as? String == "PENDING")
        try box.monitor(["scan", "--now", "2026-11-21T03:01:00Z"])
        #expect(try box.occurrences("db", now: "2026-11-21T03:01:00Z").first?["state"] as? String == "FAILED")
    }

    @Test func aHugeStatusFileIsRefused() throws {
        let box = try sandbox()
        let url = box.staging("db").appendingPathComponent("STATUS.json")
        try FileManager.default.createDirectory(at: box.staging("db"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 100 * 1024 * 1024)
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: date("2026-11-21T02:30:00Z")], ofItemAtPath: url.path)
        try box.monitor(["scan", "--now", "2026-11-21T03:00:00Z"])
        let latest = try #require(try box.occurrences("db", now: "2026-11-21T03:00:00Z").first)
        #expect(latest["state"] as? String == "FAILED")
        #expect((latest["message"] as? String)?.contains("16 MiB") == true)
    }

    @Test func retentionKeepsTheNewestVersions() throws {
        let box = try sandbox(keepVersions: 2)
        for day in 21...24 {
            try box.stage("db", ["dump.sql": Data("night \(day)\n".utf8)])
            try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-\(day)T02:30:00Z"])
            try box.monitor(["scan", "--now", "2026-11-\(day)T03:00:00Z"])
        }
        let versions = box.versions("db")
        #expect(versions.count == 2)
        #expect(versions.first?.hasPrefix("20261123T023000Z-") == true)
        #expect(box.currentVersion("db") == "versions/\(versions.last!)")
        let job = try box.status("db", now: "2026-11-24T03:00:00Z")
        #expect((job["current_version"] as? [String: Any])?["id"] as? String == versions.last)
    }

    @Test func anUnmountedDestinationMakesOccurrencesMissingWithTheReason() throws {
        let box = try sandbox()
        try FileManager.default.removeItem(at: box.backups)
        try box.monitor(["scan", "--now", "2026-11-21T06:00:00Z"])
        let latest = try #require(try box.occurrences("db", now: "2026-11-21T06:00:00Z").first)
        #expect(latest["state"] as? String == "MISSING")
        #expect((latest["message"] as? String)?.contains("does not exist (storage not mounted?)") == true)
    }
}
