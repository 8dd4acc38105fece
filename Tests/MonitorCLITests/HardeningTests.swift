import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Regression tests for the faults a hostile file or a bad day finds (clock, state, I/O and
/// seal limits), through the built executable.
@Suite struct HardeningTests {
    // MARK: A status file from the future

    @Test(arguments: ["2099-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
    func aStatusFileFromTheFutureIsInvalidAndMonitoringGoesOn(_ finishedAt: String) throws {
        let box = try BackupSandbox.dailyJob(keepVersions: 1)
        try box.stage("db", ["dump.sql": Data("bogus\n".utf8)])
        let hash = try sha256Hex(Data("bogus\n".utf8))
        try box.writeStatus(
            "db",
            """
            {"status": "SUCCESS", "finished_at": "\(finishedAt)", "files": [{"path": "dump.sql", "sha256": "\(hash)"}]}
            """, modified: date("2026-11-21T02:30:00Z"))

        let first = try box.monitor(["scan", "--now", "2026-11-21T03:00:00Z"])
        #expect(first.stdout == "Scanned 1 job at 2026-11-21T03:00:00Z; 1 FAILED; 0 promoted.\n")
        #expect(box.versions("db").isEmpty, "a future status file must not be promoted")
        let occurrences = try box.occurrences("db", now: "2026-11-21T03:00:00Z")
        #expect(occurrences.map { $0["scheduled_at"] as? String } == ["2026-11-21T02:00:00Z"], "no occurrence from the future")
        let message = try #require(occurrences.first?["message"] as? String)
        #expect(message.contains("finished in the future: finished_at is \(finishedAt)"), "\(message)")

        // Monitoring goes on: a good backup the next night is promoted and stays current
        // (keep_versions 1), and nights without one are MISSING.
        try FileManager.default.removeItem(at: box.staging("db"))
        try box.stage("db", ["dump.sql": Data("good\n".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-22T02:20:00Z"])
        let second = try box.monitor(["scan", "--now", "2026-11-22T03:00:00Z"])
        #expect(second.stdout == "Scanned 1 job at 2026-11-22T03:00:00Z; 1 SUCCESS; 1 promoted.\n")
        #expect(box.currentVersion("db")?.hasPrefix("versions/20261122T022000Z-") == true)
        let third = try box.monitor(["scan", "--now", "2026-11-24T12:00:00Z"])
        #expect(third.stdout == "Scanned 1 job at 2026-11-24T12:00:00Z; 2 MISSING; 0 promoted.\n")
        #expect(try box.status("db", now: "2026-11-24T12:00:00Z")["status"] as? String == "MISSING")
        #expect(box.currentVersion("db")?.hasPrefix("versions/20261122T022000Z-") == true)
    }

    @Test func aFinishedAtAFewMinutesAheadIsBelievedAndAttributedToAnOccurrenceThatHasStarted() throws {
        let box = try BackupSandbox.dailyJob()
        try box.stage("db", ["dump.sql": Data("fine\n".utf8)])
        // The producer's clock runs 4 minutes ahead of the storage host's.
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-21T03:04:00Z"])
        let scan = try box.monitor(["scan", "--now", "2026-11-21T03:00:00Z"])
        #expect(scan.stdout == "Scanned 1 job at 2026-11-21T03:00:00Z; 1 SUCCESS; 1 promoted.\n")
        #expect(try box.occurrences("db", now: "2026-11-21T03:00:00Z").first?["scheduled_at"] as? String == "2026-11-21T02:00:00Z")
    }

    // MARK: Simulating the future on a live state

    @Test func scanNowInTheFutureIsRefusedWhileADaemonUsesTheState() throws {
        let box = try BackupSandbox.dailyJob(appliedAt: nil)
        let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(400 * 86_400))
        let past = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-60))
        let daemon = try DaemonProcess(in: box.root)

        let refused = try box.monitor(["scan", "--now", future], expecting: 1)
        #expect(refused.stderr.contains("monitor run is using it"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        // Simulating a time already past, or the real clock, stays allowed.
        try box.monitor(["scan", "--now", past])
        let ledger = try box.occurrences("db", now: past).compactMap { $0["scheduled_at"] as? String }
        #expect(ledger.allSatisfy { $0 <= past }, "\(ledger)")

        #expect(daemon.terminate() == 0)
        // With no daemon, the simulation runs (the test suites rely on it).
        try box.monitor(["scan", "--now", future])
    }

    // MARK: Only apply creates a state

    @Test func anEmptyStateFileIsRefusedByEveryCommandButApply() throws {
        let box = try BackupSandbox.dailyJob()
        let state = box.root.appendingPathComponent("empty.sqlite")
        _ = FileManager.default.createFile(atPath: state.path, contents: nil)
        for command in [["scan"], ["status"], ["report", "--output", "report.html"], ["plan"], ["run", "--listen", "127.0.0.1:1"]] {
            let result = try box.monitor(command + ["--state", state.path], expecting: 1)
            #expect(result.stderr.contains("it is empty; only `monitor apply` creates a state"), "\(command): \(result.stderr)")
        }
        #expect(try Data(contentsOf: state).isEmpty, "a refused command wrote into the empty file")
        try box.monitor(["apply", "--state", state.path])
        let status = try box.monitor(["status", "--state", state.path])
        #expect(status.stdout.contains("db"))
    }

    @Test func statusAndReportReadAStateOnAReadOnlyMount() throws {
        let box = try BackupSandbox.dailyJob()
        try box.stage("db", ["dump.sql": Data("fine\n".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-21T02:17:45Z"])
        try box.monitor(["scan", "--now", "2026-11-21T03:00:00Z"])
        let readOnly = box.root.appendingPathComponent("readonly")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true)
        let state = box.root.appendingPathComponent("state").path
        guard try runProcess(URL(fileURLWithPath: "/bin/mount"), ["--bind", state, readOnly.path], environment: [:]).exit == 0 else {
            Issue.record("cannot bind-mount here (the test needs root); not tested")
            return
        }
        defer { _ = try? runProcess(URL(fileURLWithPath: "/bin/umount"), [readOnly.path], environment: [:]) }
        let remount = try runProcess(URL(fileURLWithPath: "/bin/mount"), ["-o", "remount,bind,ro", readOnly.path], environment: [:])
        try #require(remount.exit == 0, "\(remount.stderr)")
        let path = readOnly.appendingPathComponent("monitor.sqlite").path

        let status = try box.monitor(["status", "--state", path, "--job", "db", "--format", "json", "--now", "2026-11-21T03:00:00Z"])
        #expect(status.stdout.contains("\"status\":\"SUCCESS\""), "\(status.stdout)")
        try box.monitor(["report", "--state", path, "--output", "report.html", "--now", "2026-11-21T03:00:00Z"])
        // Writing is refused with a clear message, not a crash.
        let scan = try box.monitor(["scan", "--state", path, "--now", "2026-11-21T03:15:00Z"], expecting: 1)
        #expect(scan.stderr.contains("read-only"), "\(scan.stderr)")
    }

    // MARK: Temporary I/O faults are retried, never judged

    /// Runs scans with ever larger open-file limits, so that some stop with EMFILE at each step
    /// (the state, the status file, the copies) and the last one gets through: no scan may
    /// record a verdict about a fault of this host.
    @Test func tooManyOpenFilesIsRetriedAtTheNextScanNeverJudged() throws {
        let box = try BackupSandbox.dailyJob()
        var files: [String: Data] = [:]
        for index in 0..<12 { files["part-\(index).sql"] = Data(repeating: UInt8(index), count: 300_000) }
        try box.stage("db", files)
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-21T02:17:45Z"])
        let monitor = try MonitorExecutable.url().path
        var postponed = 0
        var succeeded = false
        for limit in 8...96 {
            let result = try runProcess(
                URL(fileURLWithPath: "/bin/sh"),
                ["-c", "ulimit -n \(limit) && exec \"$0\" scan --now 2026-11-21T03:00:00Z", monitor],
                environment: monitorBaseEnvironment, in: box.root)
            if result.stderr.contains("a temporary fault of this host") {
                postponed += 1
                #expect(result.exit == 1, "a scan that could not scan a job exits 1")
            }
            #expect(!result.stdout.contains("FAILED"), "limit \(limit): \(result.stdout)\(result.stderr)")
            if result.exit == 0, result.stdout.contains("1 SUCCESS") {
                succeeded = true
                break
            }
        }
        #expect(postponed > 0, "no scan met EMFILE where it reads or promotes: the test did not exercise the retry")
        #expect(succeeded, "no open-file limit up to 96 let the scan through")
        let occurrences = try box.occurrences("db", now: "2026-11-21T03:00:00Z")
        #expect(occurrences.map { $0["state"] as? String } == ["SUCCESS"])
        #expect(box.versions("db").count == 1)
    }

    // MARK: Limits

    @Test func sealRefusesAStatusFileThatScanWouldRefuse() throws {
        let box = try BackupSandbox.dailyJob()
        let staging = box.staging("db")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        // 160,000 empty files: about 17 MiB of listing, over the 16 MiB limit.
        for folder in 0..<160 {
            let url = staging.appendingPathComponent(String(format: "f%03d", folder))
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            for file in 0..<1000 {
                _ = FileManager.default.createFile(atPath: url.appendingPathComponent(String(format: "file-%04d.part", file)).path, contents: nil)
            }
        }
        let seal = try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS"], expecting: 1)
        #expect(seal.stderr.contains("the status file for 160000 files would be"), "\(seal.stderr)")
        #expect(seal.stderr.contains("over the 16 MiB that monitor scan accepts"), "\(seal.stderr)")
        #expect(!FileManager.default.fileExists(atPath: staging.appendingPathComponent("STATUS.json").path))
    }

    @Test func checkRefusesADestinationInsideAnother() throws {
        let box = try BackupSandbox.dailyJob()
        try """
        version: 1
        destinations:
          nas: {path: backups}
          inner: {path: backups/db/staging}
        """.write(to: box.root.appendingPathComponent("nested.yaml"), atomically: true, encoding: .utf8)
        let check = try box.monitor(["check", "--config", "nested.yaml"], expecting: 1)
        #expect(check.stdout.contains("nested.yaml:4:3: error: destination \"inner\""), "\(check.stdout)")
        #expect(check.stdout.contains("is inside destination \"nas\""), "\(check.stdout)")
    }
}

private func sha256Hex(_ data: Data) throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-hash-\(UUID().uuidString)")
    try data.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let result = try runProcess(URL(fileURLWithPath: "/usr/bin/sha256sum"), [file.path], environment: [:])
    return String(result.stdout.prefix(64))
}

/// A full disk where the state lives: commands that write say so (not "disk I/O error"), and
/// `status` still reads what the state holds.
@Suite struct FullDiskTests {
    @Test func aFullDiskIsNamedAndStatusStillReads() throws {
        let box = try BackupSandbox.dailyJob()
        let mountPoint = box.root.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        guard
            try runProcess(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint.path], environment: [:]).exit == 0
        else {
            Issue.record("cannot mount a tmpfs here (the test needs root); not tested")
            return
        }
        defer { _ = try? runProcess(URL(fileURLWithPath: "/bin/umount"), [mountPoint.path], environment: [:]) }
        let state = mountPoint.appendingPathComponent("monitor.sqlite").path
        try box.monitor(["apply", "--state", state, "--now", "2026-11-20T12:00:00Z"])
        // Fill the file system to the last block.
        let filler = try #require(
            FileHandle(
                forWritingAtPath: {
                    _ = FileManager.default.createFile(atPath: mountPoint.appendingPathComponent("fill").path, contents: nil)
                    return mountPoint.appendingPathComponent("fill").path
                }()))
        let block = Data(count: 4096)
        while (try? filler.write(contentsOf: block)) != nil {}
        try? filler.close()

        let scan = try box.monitor(["scan", "--state", state, "--now", "2026-11-21T03:00:00Z"], expecting: 1)
        #expect(scan.stderr.contains("the disk holding the state \(state) is full"), "\(scan.stderr)")
        #expect(!scan.stderr.contains("disk I/O error"), "\(scan.stderr)")
        let status = try box.monitor(["status", "--state", state, "--now", "2026-11-21T03:00:00Z"])
        #expect(status.stdout.contains("db"), "\(status.stdout)")
    }
}
