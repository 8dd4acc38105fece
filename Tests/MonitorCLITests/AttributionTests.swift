import Foundation
import Testing

/// Which occurrence a status file counts for (SPEC §4), end to end with the built executable.
@Suite struct AttributionTests {
    @Test func anInvalidStatusFileCountsForTheNightItsFinishedAtNames() throws {
        let box = try BackupSandbox.dailyJob()
        // Invalid (SUCCESS lists no files) but its finished_at can be read; written "now", weeks
        // after the simulated clock, as a simulation of a past night would be.
        try box.writeStatus("db", #"{"status": "SUCCESS", "finished_at": "2026-11-21T02:30:00Z"}"#, modified: Date())
        let scan = try box.monitor(["scan", "--now", "2026-11-23T12:00:00Z"])
        #expect(scan.stdout == "Scanned 1 job at 2026-11-23T12:00:00Z; 1 FAILED, 2 MISSING; 0 promoted.\n")
        let states = try box.occurrences("db", now: "2026-11-23T12:00:00Z").map { "\($0["scheduled_at"]!) \($0["state"]!)" }
        #expect(states == ["2026-11-23T02:00:00Z MISSING", "2026-11-22T02:00:00Z MISSING", "2026-11-21T02:00:00Z FAILED"])
    }

    @Test func anInvalidStatusFileFromTheFutureCountsWhenItWasSeen() throws {
        let box = try BackupSandbox.dailyJob()
        try box.writeStatus("db", #"{"status": "SUCCESS", "finished_at": "2099-01-01T00:00:00Z"}"#, modified: date("2026-11-22T09:00:00Z"))
        try box.monitor(["scan", "--now", "2026-11-23T12:00:00Z"])
        let states = try box.occurrences("db", now: "2026-11-23T12:00:00Z").map { "\($0["scheduled_at"]!) \($0["state"]!)" }
        #expect(states == ["2026-11-23T02:00:00Z MISSING", "2026-11-22T02:00:00Z FAILED", "2026-11-21T02:00:00Z MISSING"])
    }

    @Test func aFailureReportedRightAfterTheJobIsAddedShowsAsFailedNotNew() throws {
        let box = try BackupSandbox.dailyJob()
        try box.stage("db", ["partial.sql": Data("oops".utf8)])
        try box.monitor([
            "seal", "backups/db/staging", "--status", "FAILED", "--finished-at", "2026-11-20T12:30:00Z", "--message", "pg_dump: connection refused",
        ])
        try box.monitor(["scan", "--now", "2026-11-20T12:31:00Z"])
        let job = try box.status("db", now: "2026-11-20T12:31:00Z")
        #expect(job["status"] as? String == "FAILED")
        let latest = try #require(job["latest"] as? [String: Any])
        #expect(latest["message"] as? String == "pg_dump: connection refused")
        #expect(latest["scheduled_at"] as? String == "2026-11-20T02:00:00Z")
    }
}
