import Foundation
import MonitorCore
import Testing

@testable import MonitorRuntime

#if canImport(Glibc)
    import Glibc
#endif

// Reading staging/STATUS.json against the real file system (SPEC §3): absence, the settle rule,
// the size cap, and every way a listed path can point somewhere it should not.

private let hash = String(repeating: "9f86d081", count: 8)
private let finished = #""status": "SUCCESS", "finished_at": "2026-11-24T01:17:45Z""#

/// `<temporary>/postgres-prod/staging/`, removed by `remove()`.
private struct JobFolder {
    let root: URL
    let job: URL
    var staging: URL { job.appendingPathComponent("staging") }

    init(staging create: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-status-\(UUID().uuidString)")
        job = root.appendingPathComponent("postgres-prod")
        try FileManager.default.createDirectory(at: create ? job.appendingPathComponent("staging") : job, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    @discardableResult
    func write(_ path: String, _ text: String = "data") throws -> URL {
        let url = staging.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Writes STATUS.json listing `files` (JSON objects) with a SUCCESS status.
    func writeStatus(files: [String]) throws {
        try write("STATUS.json", "{\(finished), \"files\": [\(files.joined(separator: ", "))]}")
    }

    func link(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: staging.appendingPathComponent(path).path, withDestinationPath: target)
    }

    /// Reads as a scan two minutes from now would (everything written by the test is settled).
    func read(verify: Verification = .sha256, now: Date = Date().addingTimeInterval(120)) -> StatusFileReading {
        StatusFileReader.read(jobFolder: job.path, job: "postgres-prod", verify: verify, now: now)
    }
}

private func entry(_ path: String, size: Int? = nil) -> String {
    "{\"path\": \"\(path)\"\(size.map { ", \"size\": \($0)" } ?? ""), \"sha256\": \"\(hash)\"}"
}

/// The problem of an `.invalid` reading, or a recorded issue.
private func problem(_ reading: StatusFileReading, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    guard case .invalid(_, _, let problem) = reading else {
        Issue.record("expected .invalid, got \(reading)", sourceLocation: sourceLocation)
        return ""
    }
    return problem
}

@Suite("Status file reader")
struct StatusFileReaderTests {
    @Test("no staging folder, or no STATUS.json in it, is absent")
    func absent() throws {
        let bare = try JobFolder(staging: false)
        defer { bare.remove() }
        #expect(bare.read() == .absent)
        let empty = try JobFolder()
        defer { empty.remove() }
        try empty.write("dump.sql")
        #expect(empty.read() == .absent)
    }

    @Test("a valid status file: the report, its exact bytes, their hash and time")
    func valid() throws {
        let folder = try JobFolder()
        defer { folder.remove() }
        try folder.write("dump.sql.gz", "abc")
        try folder.write("globals/roles.sql")
        // A size that differs from the disk is the promoter's HASH_MISMATCH, not a reading problem.
        try folder.writeStatus(files: [entry("dump.sql.gz", size: 999), entry("globals/roles.sql")])
        let statusURL = folder.staging.appendingPathComponent("STATUS.json")
        let bytes = try Data(contentsOf: statusURL)
        let modified = Date(timeIntervalSince1970: 1_795_000_000.5)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: statusURL.path)

        guard case .valid(let report, let sha256, let read, let modifiedAt) = folder.read() else {
            Issue.record("not valid: \(folder.read())")
            return
        }
        #expect(report.files.map(\.path) == ["dump.sql.gz", "globals/roles.sql"])
        #expect(read == bytes)
        #expect(sha256 == FileSHA256.hex(of: bytes))
        #expect(abs(modifiedAt.timeIntervalSince(modified)) < 0.01)
    }

    @Test("an invalid file waits while it was modified less than 30 s before the scan")
    func settleRule() throws {
        let folder = try JobFolder()
        defer { folder.remove() }
        let url = try folder.write("STATUS.json", #"{"status": "SUCC"#)
        // After the fixtures' finished_at (2026-11-24T01:17:45Z): a valid file is never "from the future" here.
        let modified = Date(timeIntervalSince1970: 1_795_500_000)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path)

        #expect(folder.read(now: modified.addingTimeInterval(5)) == .unsettled(modifiedAt: modified))
        #expect(folder.read(now: modified.addingTimeInterval(29.9)) == .unsettled(modifiedAt: modified))
        // A modification time after the scan's clock is judged at once (SPEC §3): a wrong clock never holds a file back.
        guard case .invalid = folder.read(now: modified.addingTimeInterval(-10)) else {
            Issue.record("future mtime held back")
            return
        }
        let late = folder.read(now: modified.addingTimeInterval(31))
        #expect(
            late
                == .invalid(
                    sha256: FileSHA256.hex(of: Data(#"{"status": "SUCC"#.utf8)), modifiedAt: modified,
                    problem: "invalid JSON at line 1, column 12: a string is not closed (it starts here)"))

        // A valid file is taken at once, however fresh: producers rename it into place last.
        try folder.write("dump.sql")
        try folder.writeStatus(files: [entry("dump.sql")])
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path)
        guard case .valid = folder.read(now: modified.addingTimeInterval(1)) else {
            Issue.record("fresh valid file not taken")
            return
        }

        // A listed file not there yet counts as invalid, so it waits too.
        try folder.writeStatus(files: [entry("dump.sql"), entry("later.sql")])
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path)
        #expect(folder.read(now: modified.addingTimeInterval(1)) == .unsettled(modifiedAt: modified))
        #expect(problem(folder.read(now: modified.addingTimeInterval(60))) == #"files[1] "later.sql" is not in staging/"#)
    }

    @Test("a 100 MiB status file is invalid, hashed as a stream, never held in memory")
    func overTheCap() throws {
        let folder = try JobFolder()
        defer { folder.remove() }
        let url = try folder.write("STATUS.json", "")
        let size: Int64 = 100 * 1024 * 1024
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(size))  // sparse: 100 MiB of zeros without using the disk
        try handle.close()
        let modified = Date(timeIntervalSince1970: 1_795_000_000)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path)

        #expect(folder.read(now: modified.addingTimeInterval(2)) == .unsettled(modifiedAt: modified))
        let before = maximumResidentBytes()
        let reading = folder.read(now: modified.addingTimeInterval(60))
        let grown = maximumResidentBytes() - before
        #expect(problem(reading) == "staging/STATUS.json is 100.0 MiB, over the 16 MiB limit for status files")
        if case .invalid(let sha256, _, _) = reading {
            #expect(sha256 == (try sha256sum(url)))
        }
        #expect(grown < 40 * 1024 * 1024, "reading grew the process by \(grown) bytes")
    }

    @Test("STATUS.json must be a regular file: not a link, a folder or a FIFO")
    func statusFileKinds() throws {
        let folder = try JobFolder()
        defer { folder.remove() }
        try folder.write("real.json", "{\(finished), \"files\": [\(entry("real.json"))]}")
        try folder.link("STATUS.json", to: "real.json")
        #expect(problem(folder.read()) == #"staging/STATUS.json is a symbolic link (to "real.json"); monitor reads only a regular file"#)

        try FileManager.default.removeItem(at: folder.staging.appendingPathComponent("STATUS.json"))
        try FileManager.default.createDirectory(at: folder.staging.appendingPathComponent("STATUS.json"), withIntermediateDirectories: false)
        #expect(problem(folder.read()) == "staging/STATUS.json is a folder, not a file")

        try FileManager.default.removeItem(at: folder.staging.appendingPathComponent("STATUS.json"))
        #expect(mkfifo(folder.staging.appendingPathComponent("STATUS.json").path, 0o644) == 0)
        #expect(problem(folder.read()) == "staging/STATUS.json is not a regular file (a FIFO, socket or device)")
    }

    @Test("listed paths must be regular files really inside staging")
    func listedFiles() throws {
        let folder = try JobFolder()
        defer { folder.remove() }
        let outside = folder.root.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: outside.appendingPathComponent("secret"))
        try folder.write("dump.sql")
        try folder.write("inside/file")
        try folder.link("passwd", to: "/etc/passwd")
        try folder.link("escape", to: outside.path)
        try folder.link("alias", to: "inside")
        try folder.link("near", to: "dump.sql")
        try FileManager.default.createDirectory(at: folder.staging.appendingPathComponent("folder"), withIntermediateDirectories: true)
        #expect(mkfifo(folder.staging.appendingPathComponent("pipe").path, 0o644) == 0)

        let cases: [(String, String)] = [
            ("passwd", #"files[0] "passwd" is a symbolic link; monitor accepts only regular files inside staging/, not links"#),
            ("escape/secret", #"files[0] "escape/secret" goes through "escape", a symbolic link; monitor does not follow links inside staging/"#),
            ("alias/file", #"files[0] "alias/file" goes through "alias", a symbolic link"#),
            ("near", #"files[0] "near" is a symbolic link"#),
            ("folder", #"files[0] "folder" is a folder, not a file"#),
            ("pipe", #"files[0] "pipe" is not a regular file (a FIFO, socket or device)"#),
            ("dump.sql.gz", #"files[0] "dump.sql.gz" is not in staging/"#),
            ("nowhere/dump.sql", #"files[0] "nowhere/dump.sql" is not in staging/"#),
            ("dump.sql/x", #"files[0] "dump.sql/x" is not in staging/ ("dump.sql" is not a folder)"#),
        ]
        for (path, expected) in cases {
            try folder.writeStatus(files: [entry(path), entry("dump.sql"), entry("inside/file")])
            #expect(problem(folder.read()).hasPrefix(expected), "\(path)")
        }
    }

    @Test("several bad files are listed together; a FAILED status file's files are not looked for")
    func severalAndFailed() throws {
        let folder = try JobFolder()
        defer { folder.remove() }
        try folder.writeStatus(files: [entry("a"), entry("b")])
        #expect(problem(folder.read()) == #"files[0] "a" is not in staging/; files[1] "b" is not in staging/"#)

        try folder.write(
            "STATUS.json", #"{"status": "FAILED", "finished_at": "2026-11-24T01:17:45Z", "files": [{"path": "a"}], "message": "disk full"}"#)
        guard case .valid(let report, _, _, _) = folder.read() else {
            Issue.record("FAILED refused: \(folder.read())")
            return
        }
        #expect(report.message == "disk full")
    }

    @Test("decoding problems come through, for this job and its verification")
    func decodingProblems() throws {
        let folder = try JobFolder()
        defer { folder.remove() }
        try folder.write("dump.sql")
        try folder.write("STATUS.json", "{\(finished), \"job\": \"other-job\", \"files\": [{\"path\": \"dump.sql\"}]}")
        #expect(
            problem(folder.read())
                == #"job is "other-job" but this status file is in the staging folder of job "postgres-prod"; files[0].sha256 is required: the job has verify: sha256"#
        )
        #expect(problem(folder.read(verify: .none)).hasPrefix("job is \"other-job\""))
    }

    @Test("a staging folder that is itself a link (another disk) is followed")
    func stagingIsALink() throws {
        let folder = try JobFolder(staging: false)
        defer { folder.remove() }
        let disk = folder.root.appendingPathComponent("disk/staging")
        try FileManager.default.createDirectory(at: disk.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: folder.staging, withDestinationURL: disk)
        try folder.write("sub/dump.sql")
        try folder.writeStatus(files: [entry("sub/dump.sql")])
        guard case .valid = folder.read() else {
            Issue.record("not valid: \(folder.read())")
            return
        }
    }
}

/// The process's peak resident memory, in bytes (Linux reports kilobytes).
private func maximumResidentBytes() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024
}

/// The hash `sha256sum` computes for `url`.
private func sha256sum(_ url: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [url.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
}
