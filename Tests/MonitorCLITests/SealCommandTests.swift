import Foundation
import MonitorCore
import Testing

// `monitor seal` end to end (SPEC §3, §7): the built executable, real folders, hashes checked
// against `sha256sum`, and what it writes read back by the scanner's own decoder.

/// A temporary folder to seal, removed by `remove()`.
private struct SealFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-seal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    func write(_ path: String, _ data: Data) throws {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    var status: URL { url.appendingPathComponent("STATUS.json") }

    /// Every name in the folder, recursively, sorted.
    func contents() -> [String] {
        (FileManager.default.subpaths(atPath: url.path) ?? []).sorted()
    }
}

/// `sha256sum`'s answer for `paths`, relative to `folder`.
private func sha256sum(_ paths: [String], in folder: URL) throws -> [String: String] {
    let result = try runProcess(
        try programOnPath("sha256sum", installHint: "install coreutils"), paths, environment: monitorBaseEnvironment, in: folder)
    #expect(result.exit == 0, "\(result.stderr)")
    var hashes: [String: String] = [:]
    for line in result.stdout.split(separator: "\n") {
        let parts = line.split(separator: " ", maxSplits: 1)
        hashes[String(parts[1].drop { $0 == " " || $0 == "*" })] = String(parts[0])
    }
    return hashes
}

@Suite("monitor seal")
struct SealCommandTests {
    @Test("seals nested files: sorted paths, sizes and hashes that sha256sum agrees with")
    func sealsNestedFiles() throws {
        let folder = try SealFolder()
        defer { folder.remove() }
        var generator = SystemRandomNumberGenerator()
        let big = Data((0..<3_000_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try folder.write("dump.sql.gz", big)
        try folder.write("globals/roles.sql", Data("CREATE ROLE app;\n".utf8))
        try folder.write("a/b/c/deep file.bin", Data([0, 1, 2]))
        try folder.write("empty", Data())
        try folder.write("Ünïcode.txt", Data("é".utf8))

        let result = try runMonitor([
            "seal", folder.url.path, "--status", "SUCCESS", "--job", "postgres-prod",
            "--started-at", "2026-11-24T02:00:04+01:00", "--now", "2026-11-24T01:17:45Z",
        ])
        #expect(result.exit == 0, "\(result.stderr)")
        #expect(
            result.stdout
                == "Sealed \(folder.url.path)/STATUS.json: SUCCESS, 5 files, \(big.count + 17 + 3 + 2) bytes, finished at 2026-11-24T01:17:45Z.\n")
        #expect(result.stderr.isEmpty)

        let bytes = try Data(contentsOf: folder.status)
        let report = try StatusReportDecoder.decode(bytes, job: "postgres-prod", verify: .sha256).get()
        #expect(report.job == "postgres-prod" && report.status == .success)
        #expect(report.startedAt == RFC3339Time.parse("2026-11-24T01:00:04Z"))
        #expect(report.finishedAt == RFC3339Time.parse("2026-11-24T01:17:45Z"))
        let paths = ["a/b/c/deep file.bin", "dump.sql.gz", "empty", "globals/roles.sql", "Ünïcode.txt"]
        #expect(report.files.map(\.path) == paths)
        #expect(report.files.map(\.size) == [3, Int64(big.count), 0, 17, 2])
        let expected = try sha256sum(paths, in: folder.url)
        for file in report.files {
            #expect(file.sha256 == expected[file.path], "\(file.path)")
        }
        // The shape of SPEC §3, readable by any JSON parser.
        let object = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        #expect(Set(object.keys) == ["job", "status", "started_at", "finished_at", "files"])
        #expect(object["started_at"] as? String == "2026-11-24T01:00:04Z")
        #expect(
            folder.contents()
                == [
                    "STATUS.json", "a", "a/b", "a/b/c", "a/b/c/deep file.bin", "dump.sql.gz", "empty", "globals",
                    "globals/roles.sql", "Ünïcode.txt",
                ].sorted())
    }

    @Test("sealing again replaces STATUS.json atomically and never lists it or a temporary file")
    func sealsAgain() throws {
        let folder = try SealFolder()
        defer { folder.remove() }
        try folder.write("dump.sql", Data("one".utf8))
        try folder.write(".STATUS.json.123.abc.tmp", Data("left by a crash".utf8))
        for _ in 0..<2 {
            let result = try runMonitor(["seal", folder.url.path, "--status", "SUCCESS"])
            #expect(result.exit == 0, "\(result.stderr)")
        }
        let report = try StatusReportDecoder.decode(try Data(contentsOf: folder.status), job: "any", verify: .sha256).get()
        #expect(report.files.map(\.path) == ["dump.sql"])
        #expect(report.job == nil)
        #expect(folder.contents() == [".STATUS.json.123.abc.tmp", "STATUS.json", "dump.sql"])
    }

    @Test("FAILED with a message lists no files and keeps the finishing time's instant")
    func failedWithMessage() throws {
        let folder = try SealFolder()
        defer { folder.remove() }
        try folder.write("partial.sql", Data("half".utf8))
        let result = try runMonitor([
            "seal", folder.url.path, "--status", "FAILED", "--message", "pg_dump: connection refused\n\"db1\"",
            "--finished-at", "2026-11-24T02:17:45+01:00",
        ])
        #expect(result.exit == 0, "\(result.stderr)")
        #expect(result.stdout == "Sealed \(folder.url.path)/STATUS.json: FAILED, finished at 2026-11-24T01:17:45Z.\n")
        let report = try StatusReportDecoder.decode(try Data(contentsOf: folder.status), job: "postgres-prod", verify: .sha256).get()
        #expect(report.status == .failed && report.files.isEmpty)
        #expect(report.message == "pg_dump: connection refused\n\"db1\"")
        #expect(report.finishedAt == RFC3339Time.parse("2026-11-24T01:17:45Z"))
    }

    @Test("a symbolic link is refused and nothing is written")
    func symlinkRefused() throws {
        let folder = try SealFolder()
        defer { folder.remove() }
        try folder.write("sub/dump.sql", Data("x".utf8))
        try FileManager.default.createSymbolicLink(atPath: folder.url.appendingPathComponent("sub/passwd").path, withDestinationPath: "/etc/passwd")
        let result = try runMonitor(["seal", folder.url.path, "--status", "SUCCESS"])
        #expect(result.exit == 1)
        #expect(
            result.stderr
                == "monitor: error: \(folder.url.path)/sub/passwd is a symbolic link; a status file lists only regular files inside the folder (copy the file in instead of linking it)\n"
        )
        #expect(folder.contents() == ["sub", "sub/dump.sql", "sub/passwd"])
    }

    @Test(
        "SUCCESS with nothing to list is refused; so are bad options",
        arguments: [
            (["--status", "SUCCESS"], "has no files: a SUCCESS status file lists at least one file (use --status FAILED to report a failed backup)"),
            (
                ["--status", "FAILED", "--finished-at", "2026-11-24 01:17"],
                #"--finished-at "2026-11-24 01:17" is not an RFC 3339 time with an offset (e.g. 2026-11-24T01:17:45Z)"#
            ),
            (["--status", "FAILED", "--started-at", "yesterday"], #"--started-at "yesterday" is not an RFC 3339 time"#),
            (["--status", "FAILED", "--job", "Postgres Prod"], #"--job "Postgres Prod" is not a job name: upper-case letters are not allowed"#),
        ])
    func refused(_ arguments: [String], _ expected: String) throws {
        let folder = try SealFolder()
        defer { folder.remove() }
        try folder.write("STATUS.json", Data("{}".utf8))  // an old status file is not something to seal
        let result = try runMonitor(["seal", folder.url.path] + arguments)
        #expect(result.exit == 1)
        #expect(result.stderr.hasPrefix("monitor: error: ") && result.stderr.contains(expected), "\(result.stderr)")
        #expect(try Data(contentsOf: folder.status) == Data("{}".utf8))
        #expect(folder.contents() == ["STATUS.json"])
    }

    @Test("a folder that does not exist is an error")
    func missingFolder() throws {
        let result = try runMonitor(["seal", "/nonexistent/staging", "--status", "FAILED"])
        #expect(result.exit == 1)
        #expect(result.stderr == "monitor: error: /nonexistent/staging is not a folder\n")
    }
}
