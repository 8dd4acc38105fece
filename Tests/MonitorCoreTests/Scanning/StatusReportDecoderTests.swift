import Foundation
import Testing

@testable import MonitorCore

// Status files (SPEC §3) decoded strictly: every rule, and what a hostile producer might write.
// Each refused case names a part of the message it must produce; everything runs for the job
// "postgres-prod" with verify: sha256 unless the case says otherwise.

private let hash = String(repeating: "9f86d081", count: 8)
private let job = "postgres-prod"

private func decode(_ json: String, job: String = job, verify: Verification = .sha256) -> Result<StatusReport, StatusFileProblem> {
    StatusReportDecoder.decode(Data(json.utf8), job: job, verify: verify)
}

/// A SUCCESS status file whose `files` list is `files` (JSON text), the rest valid.
private func success(files: String) -> String {
    #"{"status": "SUCCESS", "finished_at": "2026-11-24T01:17:45Z", "files": \#(files)}"#
}

/// A status file with one good file and `fields` (JSON text, `"key": value`) added or replacing.
private func with(_ fields: String) -> String {
    #"{"status": "SUCCESS", "finished_at": "2026-11-24T01:17:45Z", "files": [{"path": "dump.sql", "sha256": "\#(hash)"}], \#(fields)}"#
}

private func file(_ path: String, size: String? = nil, sha256: String? = "\"\(hash)\"") -> String {
    var fields = [#""path": \#(path)"#]
    if let size { fields.append(#""size": \#(size)"#) }
    if let sha256 { fields.append(#""sha256": \#(sha256)"#) }
    return "{" + fields.joined(separator: ", ") + "}"
}

struct RefusedCase: CustomTestStringConvertible, Sendable {
    var name: String
    var json: String
    var expected: String
    var verify: Verification = .sha256
    var testDescription: String { name }
}

private let refused: [RefusedCase] = [
    // JSON itself
    RefusedCase(name: "empty file", json: "", expected: "the status file is empty"),
    RefusedCase(
        name: "cut short", json: #"{"status": "SUCCESS","#,
        expected: "invalid JSON at line 1, column 22: expected a key in double quotes, found the end of the file"),
    RefusedCase(
        name: "missing comma, position on line 3", json: "{\n  \"status\": \"SUCCESS\"\n  \"finished_at\": 1}",
        expected: "invalid JSON at line 3, column 3: expected ',' or '}' after an object member, found '\"'"),
    RefusedCase(
        name: "single quotes", json: "{'status': 'SUCCESS'}", expected: "invalid JSON at line 1, column 2: expected a key in double quotes, found '''"
    ),
    RefusedCase(name: "trailing comma", json: #"{"status": "FAILED",}"#, expected: "invalid JSON at line 1, column 21"),
    RefusedCase(name: "text after the object", json: #"{"status": "FAILED"} {}"#, expected: "unexpected text after the JSON value"),
    RefusedCase(
        name: "raw control character in a string", json: "{\"message\": \"a\u{1B}b\"}",
        expected: "control character (byte 0x1B) inside a string must be escaped"),
    RefusedCase(name: "bad escape", json: #"{"message": "\q"}"#, expected: "unknown escape '\\q'"),
    RefusedCase(name: "lone surrogate", json: #"{"message": "\ud800"}"#, expected: "half of a surrogate pair"),
    RefusedCase(name: "number with a leading zero", json: #"{"status": 01}"#, expected: "a number cannot start with 0"),
    RefusedCase(
        name: "duplicate key", json: #"{"status": "FAILED", "status": "SUCCESS", "finished_at": "2026-11-24T01:17:45Z"}"#,
        expected: #"invalid JSON at line 1, column 22: the key "status" appears twice in one object"#),
    RefusedCase(name: "nested 10,000 deep", json: String(repeating: "[", count: 10_000), expected: "nested more than 32 levels deep"),
    RefusedCase(name: "a list, not an object", json: "[]", expected: "the status file must be a JSON object"),
    RefusedCase(name: "a string, not an object", json: #""SUCCESS""#, expected: #"found "SUCCESS""#),
    // status
    RefusedCase(name: "status missing", json: #"{"finished_at": "2026-11-24T01:17:45Z"}"#, expected: #"status is required: "SUCCESS" or "FAILED""#),
    RefusedCase(
        name: "status in lower case", json: #"{"status": "success", "finished_at": "2026-11-24T01:17:45Z"}"#,
        expected: #"status must be "SUCCESS" or "FAILED" (in upper case), found "success""#),
    RefusedCase(name: "status OK", json: #"{"status": "OK", "finished_at": "2026-11-24T01:17:45Z"}"#, expected: #"found "OK""#),
    RefusedCase(
        name: "status true", json: #"{"status": true, "finished_at": "2026-11-24T01:17:45Z"}"#,
        expected: "status must be \"SUCCESS\" or \"FAILED\", found true"),
    // times
    RefusedCase(
        name: "finished_at missing", json: #"{"status": "FAILED"}"#,
        expected: "finished_at is required: an RFC 3339 time with an offset (e.g. 2026-11-24T01:17:45Z)"),
    RefusedCase(
        name: "finished_at with a space and no seconds", json: #"{"status": "FAILED", "finished_at": "2026-11-24 01:17"}"#,
        expected: #"finished_at "2026-11-24 01:17" is not an RFC 3339 time with an offset (e.g. 2026-11-24T01:17:45Z)"#),
    RefusedCase(
        name: "finished_at without an offset", json: #"{"status": "FAILED", "finished_at": "2026-11-24T01:17:45"}"#,
        expected: "is not an RFC 3339 time"),
    RefusedCase(
        name: "finished_at offset without a colon", json: #"{"status": "FAILED", "finished_at": "2026-11-24T02:17:45+0100"}"#,
        expected: "is not an RFC 3339 time"),
    RefusedCase(
        name: "finished_at February 30", json: #"{"status": "FAILED", "finished_at": "2026-02-30T01:17:45Z"}"#, expected: "is not an RFC 3339 time"),
    RefusedCase(
        name: "finished_at hour 24", json: #"{"status": "FAILED", "finished_at": "2026-11-24T24:00:00Z"}"#, expected: "is not an RFC 3339 time"),
    RefusedCase(
        name: "finished_at as epoch seconds", json: #"{"status": "FAILED", "finished_at": 1795000000}"#,
        expected: "finished_at must be an RFC 3339 time with an offset (e.g. 2026-11-24T01:17:45Z), found number 1795000000"),
    RefusedCase(name: "started_at bad", json: with(#""started_at": "yesterday""#), expected: #"started_at "yesterday" is not an RFC 3339 time"#),
    RefusedCase(name: "started_at null", json: with(#""started_at": null"#), expected: "found null (leave the key out when there is no value)"),
    // job, message, producer
    RefusedCase(
        name: "job of another job", json: with(#""job": "other-job""#),
        expected: #"job is "other-job" but this status file is in the staging folder of job "postgres-prod""#),
    RefusedCase(name: "job with a path", json: with(#""job": "../other-job""#), expected: #"job is "../other-job" but"#),
    RefusedCase(name: "job a number", json: with(#""job": 7"#), expected: "job must be a string (the job's name, \"postgres-prod\"), found number 7"),
    RefusedCase(name: "message a number", json: with(#""message": 42"#), expected: "message must be a string, found number 42"),
    RefusedCase(name: "producer a list", json: with(#""producer": ["a"]"#), expected: "producer must be a string, found a list"),
    // files
    RefusedCase(
        name: "SUCCESS without files", json: #"{"status": "SUCCESS", "finished_at": "2026-11-24T01:17:45Z"}"#,
        expected: "files is required when status is SUCCESS"),
    RefusedCase(name: "SUCCESS with no files", json: success(files: "[]"), expected: "files is empty; a SUCCESS status file lists at least one file"),
    RefusedCase(name: "files an object", json: success(files: #"{"path": "a"}"#), expected: "files must be a list of files such as"),
    RefusedCase(
        name: "FAILED with bad files", json: #"{"status": "FAILED", "finished_at": "2026-11-24T01:17:45Z", "files": "dump.sql"}"#,
        expected: #"files must be a list of files such as [{"path""#),
    RefusedCase(
        name: "a file as a string", json: success(files: #"["dump.sql"]"#), expected: #"files[0] must be an object such as {"path": "dump.sql.gz""#),
    RefusedCase(name: "path missing", json: success(files: #"[{"size": 3}]"#), expected: "files[0].path is required"),
    RefusedCase(name: "path a number", json: success(files: "[\(file("3"))]"), expected: "files[0].path must be a string, found number 3"),
    RefusedCase(
        name: "../../etc/passwd", json: success(files: "[\(file(#""../../etc/passwd""#))]"),
        expected: #"files[0].path "../../etc/passwd" has a ".." segment; paths must stay inside staging/"#),
    RefusedCase(name: "a/../b", json: success(files: "[\(file(#""a/../b""#))]"), expected: #"files[0].path "a/../b" has a ".." segment"#),
    RefusedCase(name: "ends with ..", json: success(files: "[\(file(#""a/..""#))]"), expected: #"has a ".." segment"#),
    RefusedCase(
        name: "absolute", json: success(files: "[\(file(#""/etc/passwd""#))]"),
        expected: #"files[0].path "/etc/passwd" is absolute; paths are relative to staging/"#),
    RefusedCase(name: "NUL", json: success(files: "[\(file(#""a\u0000b""#))]"), expected: #"files[0].path "a\0b" contains a NUL character"#),
    RefusedCase(
        name: "escape sequence in a path", json: success(files: "[\(file(#""a\u001b[2Jb""#))]"),
        expected: #"files[0].path "a\u{1B}[2Jb" contains a control or text-direction character"#),
    RefusedCase(
        name: "right-to-left override in a path", json: success(files: "[\(file(#""exe.\u202Etxt""#))]"),
        expected: #""exe.\u{202E}txt" contains a control"#),
    RefusedCase(name: "empty path", json: success(files: "[\(file(#""""#))]"), expected: #"files[0].path "" is empty"#),
    RefusedCase(
        name: "./ segment", json: success(files: "[\(file(#""./dump.sql""#))]"),
        expected: #"files[0].path "./dump.sql" has a "." segment; write "dump.sql""#),
    RefusedCase(
        name: "// segment", json: success(files: "[\(file(#""a//b""#))]"), expected: #"has an empty segment ("//" or a trailing "/"); write "a/b""#),
    RefusedCase(name: "trailing /", json: success(files: "[\(file(#""a/""#))]"), expected: #"has an empty segment"#),
    RefusedCase(
        name: "the status file itself", json: success(files: "[\(file(#""STATUS.json""#))]"),
        expected: #"files[0].path "STATUS.json" is the status file itself"#),
    RefusedCase(
        name: "a 300-byte name", json: success(files: "[\(file("\"\(String(repeating: "a", count: 300))\""))]"),
        expected: "has a name longer than 255 bytes"),
    RefusedCase(
        name: "duplicate paths", json: success(files: "[\(file(#""a""#)), \(file(#""b""#)), \(file(#""a""#))]"),
        expected: #"files[2].path "a" is listed twice (also files[0])"#),
    RefusedCase(
        name: "duplicate up to Unicode normalization", json: success(files: "[\(file("\"caf\\u00e9\"")), \(file("\"cafe\\u0301\""))]"),
        expected: "which differs only in Unicode normalization"),
    RefusedCase(
        name: "size negative", json: success(files: "[\(file(#""a""#, size: "-1"))]"),
        expected: "files[0].size must be a whole number of bytes (0 or more), found number -1"),
    RefusedCase(
        name: "size a fraction", json: success(files: "[\(file(#""a""#, size: "1.5"))]"),
        expected: "found number 1.5 (write it without a fraction or exponent)"),
    RefusedCase(name: "size an exponent", json: success(files: "[\(file(#""a""#, size: "1e3"))]"), expected: "found number 1e3"),
    RefusedCase(
        name: "size as text", json: success(files: "[\(file(#""a""#, size: #""1834""#))]"),
        expected: #"files[0].size must be a whole number of bytes (0 or more), found "1834""#),
    RefusedCase(name: "size true", json: success(files: "[\(file(#""a""#, size: "true"))]"), expected: "found true"),
    RefusedCase(name: "size false", json: success(files: "[\(file(#""a""#, size: "false"))]"), expected: "found false"),
    RefusedCase(name: "size null", json: success(files: "[\(file(#""a""#, size: "null"))]"), expected: "found null"),
    RefusedCase(
        name: "size too large", json: success(files: "[\(file(#""a""#, size: "99999999999999999999"))]"),
        expected: "found number 99999999999999999999, which is too large"),
    RefusedCase(
        name: "sha256 abc", json: success(files: "[\(file(#""a""#)), \(file(#""b""#, sha256: #""abc""#))]"),
        expected: #"files[1].sha256 must be 64 hexadecimal digits, found "abc""#),
    RefusedCase(
        name: "sha256 with a prefix", json: success(files: "[\(file(#""a""#, sha256: "\"sha256:\(hash)\""))]"),
        expected: #"(without the "sha256:" prefix)"#),
    RefusedCase(
        name: "sha256 not hex", json: success(files: "[\(file(#""a""#, sha256: "\"\(hash.dropLast(2))zz\""))]"),
        expected: "must be 64 hexadecimal digits"),
    RefusedCase(
        name: "sha256 a number", json: success(files: "[\(file(#""a""#, sha256: "12"))]"),
        expected: "files[0].sha256 must be 64 hexadecimal digits, found number 12"),
    RefusedCase(
        name: "sha256 missing with verify sha256", json: success(files: "[\(file(#""a""#, sha256: nil))]"),
        expected: "files[0].sha256 is required: the job has verify: sha256"),
    RefusedCase(
        name: "sha256 checked even with verify none", json: success(files: "[\(file(#""a""#, sha256: #""abc""#))]"),
        expected: "must be 64 hexadecimal digits", verify: .none),
]

@Suite("Status report decoder")
struct StatusReportDecoderTests {
    @Test("refused status files say what is wrong", arguments: refused)
    func refusedCase(_ test: RefusedCase) {
        switch decode(test.json, verify: test.verify) {
        case .success(let report):
            Issue.record("accepted: \(report)")
        case .failure(let problem):
            #expect(problem.message.contains(test.expected), "\(problem.message)")
            #expect(!problem.message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "control character in \(problem.message)")
        }
    }

    @Test("the SPEC example decodes to every field")
    func specExample() throws {
        let json = """
            {"job": "postgres-prod", "status": "SUCCESS", "started_at": "2026-11-24T01:00:04Z", "finished_at": "2026-11-24T01:17:45Z",
             "files": [{"path": "dump.sql.gz", "size": 52428800, "sha256": "\(hash.uppercased())"}, {"path": "globals/roles.sql", "size": 1834, "sha256": "\(hash)"}],
             "message": "pg_dump finished", "producer": "pg_dump 16.1 on db1"}
            """
        let report = try decode(json).get()
        #expect(
            report
                == StatusReport(
                    job: "postgres-prod", status: .success, startedAt: RFC3339Time.parse("2026-11-24T01:00:04Z"),
                    finishedAt: try #require(RFC3339Time.parse("2026-11-24T01:17:45Z")),
                    files: [.init(path: "dump.sql.gz", size: 52_428_800, sha256: hash), .init(path: "globals/roles.sql", size: 1834, sha256: hash)],
                    message: "pg_dump finished", producer: "pg_dump 16.1 on db1"))
    }

    @Test("FAILED needs no files, and unknown keys are ignored at every level")
    func failedAndUnknownKeys() throws {
        let failed = try decode(#"{"status": "FAILED", "finished_at": "2026-11-24T01:17:45Z", "retries": 3, "host": {"name": "db1"}}"#).get()
        #expect(failed.status == .failed && failed.files.isEmpty)
        // A failure's files need no hash (nothing is promoted), but what is there is checked.
        let partial = try decode(#"{"status": "FAILED", "finished_at": "2026-11-24T01:17:45Z", "files": [{"path": "half.sql", "size": 3}]}"#).get()
        #expect(partial.files == [.init(path: "half.sql", size: 3, sha256: nil)])
        let unknown = try decode(success(files: #"[{"path": "a", "size": 0, "sha256": "\#(hash)", "compression": null}]"#)).get()
        #expect(unknown.files == [.init(path: "a", size: 0, sha256: hash)])
    }

    @Test("verify none makes sha256 optional; names with dots are fine")
    func verifyNone() throws {
        let report = try decode(success(files: #"[{"path": "..hidden"}, {"path": "a.../b..c"}]"#), verify: .none).get()
        #expect(report.files.map(\.path) == ["..hidden", "a.../b..c"])
        #expect(report.files.allSatisfy { $0.sha256 == nil && $0.size == nil })
    }

    @Test("times: offsets, fractions, lower-case t and z, leap days and seconds")
    func times() throws {
        let base = try #require(RFC3339Time.parse("2026-11-24T01:17:45Z"))
        #expect(RFC3339Time.parse("2026-11-24T02:17:45+01:00") == base)
        #expect(RFC3339Time.parse("2026-11-23T20:17:45-05:00") == base)
        #expect(RFC3339Time.parse("2026-11-24t01:17:45z") == base)
        #expect(RFC3339Time.parse("2026-11-24T01:17:45.250Z") == base.addingTimeInterval(0.25))
        #expect(RFC3339Time.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(RFC3339Time.parse("2024-02-29T00:00:00Z") != nil)
        #expect(RFC3339Time.parse("2016-12-31T23:59:60Z") == RFC3339Time.parse("2017-01-01T00:00:00Z"))
        for bad in [
            "2025-02-29T00:00:00Z", "2026-11-24T01:17Z", "2026-11-24T01:17:45.Z", "2026-11-24T01:17:45+01", "2026-11-24T01:17:45 Z",
            "2026-11-24T01:17:45+24:00", "+2026-11-24T01:17:45Z", "2026-11-24T01:17:45Zjunk", "２026-11-24T01:17:45Z",
        ] {
            #expect(RFC3339Time.parse(bad) == nil, "\(bad)")
        }
        let report = try decode(#"{"status": "FAILED", "started_at": "2026-11-24t01:00:04.5+00:00", "finished_at": "2026-11-24T02:17:45+01:00"}"#)
            .get()
        #expect(report.finishedAt == base)
        #expect(report.startedAt == RFC3339Time.parse("2026-11-24T01:00:04.5Z"))
        #expect(RFC3339Time.string(base.addingTimeInterval(0.9)) == "2026-11-24T01:17:45Z")
    }

    @Test("sizes: zero, the largest, and minus zero")
    func sizes() throws {
        let report = try decode(
            success(files: "[\(file(#""a""#, size: "0")), \(file(#""b""#, size: "9223372036854775807")), \(file(#""c""#, size: "-0"))]")
        ).get()
        #expect(report.files.map(\.size) == [0, Int64.max, 0])
    }

    @Test("message and producer are cleaned of control characters and cut at 4 KiB")
    func textIsCleanedAndCut() throws {
        let hostile = try decode(with(#""message": "line 1\nline\t2\u001b[2J\r\u202e!", "producer": "a\u0007b""#)).get()
        #expect(hostile.message == "line 1\nline\t2[2J!")
        #expect(hostile.producer == "ab")

        let huge = String(repeating: "é", count: 1_000_000)  // 2,000,000 bytes
        let report = try decode(with(#""message": "\#(huge)""#)).get()
        let message = try #require(report.message)
        #expect(message.hasPrefix(String(repeating: "é", count: 2_048)))
        #expect(message.hasSuffix(" [… cut by monitor: 2000000 bytes in all]"))
        #expect(message.utf8.count < StatusReportDecoder.maximumTextBytes + 64)
    }

    @Test("several problems are listed, up to five, then counted")
    func severalProblems() {
        let json = #"{"status": "ok", "finished_at": "now", "job": "x", "message": 1, "producer": 2, "files": [{"path": "/a"}, {"path": "../b"}]}"#
        guard case .failure(let problem) = decode(json) else {
            Issue.record("accepted")
            return
        }
        let parts = problem.message.components(separatedBy: "; ")
        #expect(parts.count == 6, "\(problem.message)")
        #expect(parts.first?.hasPrefix("job is \"x\"") == true)
        #expect(parts.last == "and 4 more problems")
    }

    @Test("a byte-order mark is skipped; invalid UTF-8 is refused with its position")
    func encodings() throws {
        let bom = Data([0xEF, 0xBB, 0xBF]) + Data(#"{"status": "FAILED", "finished_at": "2026-11-24T01:17:45Z"}"#.utf8)
        #expect(try StatusReportDecoder.decode(bom, job: job, verify: .sha256).get().status == .failed)
        let latin1 = Data(#"{"status": "FAILED", "finished_at": "2026-11-24T01:17:45Z", "message": "caf"#.utf8) + Data([0xE9, 0x22, 0x7D])
        guard case .failure(let problem) = StatusReportDecoder.decode(latin1, job: job, verify: .sha256) else {
            Issue.record("accepted")
            return
        }
        #expect(problem.message == "invalid JSON at line 1, column 72: the string that starts here is not valid UTF-8")
    }

    @Test("SafeText quotes and cuts what it shows")
    func safeText() {
        #expect(SafeText.quoted("a\"b\\c\u{1B}") == #""a\"b\\c\u{1B}""#)
        #expect(SafeText.quoted(String(repeating: "x", count: 100), limit: 3) == "\"xxx…\"")
        #expect(SafeText.cleaned("ok", maximumBytes: 2) == "ok")
    }
}
