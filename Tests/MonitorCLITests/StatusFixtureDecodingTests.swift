import Foundation
import MonitorCore
import Testing

/// The status-file fixtures that `SchemaTests` runs through `schemas/status.schema.json`, run
/// through the scanner's decoder: both must agree on what is valid.
@Suite("Status fixtures through the decoder")
struct StatusFixtureDecodingTests {
    static let valid = Fixtures.files(in: "status/valid", extensions: ["json"])
    static let invalid = Fixtures.files(in: "status/invalid", extensions: ["json"])

    /// What the decoder says about each invalid fixture (a part of its message).
    static let expectedProblems: [String: String] = [
        "absolute-path.json": #"files[0].path "/etc/shadow" is absolute"#,
        "bad-job-name.json": #"job is "../other-job" but this status file is in the staging folder of job "postgres-prod""#,
        "control-character-path.json": #"files[0].path "dump\u{1B}[2J.sql" contains a control or text-direction character"#,
        "bad-sha256-not-hex.json": "files[0].sha256 must be 64 hexadecimal digits",
        "bad-sha256-prefixed.json": #"(without the "sha256:" prefix)"#,
        "bad-sha256-short.json": "files[0].sha256 must be 64 hexadecimal digits",
        "dot-segment.json": #"files[0].path "./dump.sql" has a "." segment; write "dump.sql""#,
        "empty-path.json": #"files[0].path "" is empty"#,
        "empty-segment.json": #"files[0].path "globals//roles.sql" has an empty segment"#,
        "files-not-a-list.json": "files must be a list of files",
        "finished-at-epoch.json": "finished_at must be an RFC 3339 time with an offset (e.g. 2026-11-24T01:17:45Z), found number 1795000000",
        "finished-at-not-a-date.json": #"finished_at "2026-13-45T01:17:45Z" is not an RFC 3339 time"#,
        "finished-at-offset-without-colon.json": #"finished_at "2026-11-24T02:17:45+0100" is not an RFC 3339 time"#,
        "finished-at-without-offset.json": #"finished_at "2026-11-24T01:17:45" is not an RFC 3339 time"#,
        "lowercase-status.json": #"status must be "SUCCESS" or "FAILED" (in upper case), found "success""#,
        "missing-finished-at.json": "finished_at is required",
        "missing-path.json": "files[0].path is required",
        "missing-status.json": "status is required",
        "negative-size.json": "files[0].size must be a whole number of bytes (0 or more), found number -1",
        "not-an-object.json": "the status file must be a JSON object",
        "not-json.json": "invalid JSON at line 2, column 1: expected ',' or ']' after a list element, found the end of the file",
        "parent-path.json": #"has a ".." segment"#,
        "parent-segment-inside.json": #"files[0].path "globals/../../secrets" has a ".." segment"#,
        "parent-segment-last.json": #"files[0].path "globals/.." has a ".." segment"#,
        "size-as-text.json": #"files[0].size must be a whole number of bytes (0 or more), found "1834""#,
        "status-file-itself.json": #"files[0].path "STATUS.json" is the status file itself"#,
        "success-empty-files.json": "files is empty",
        "success-without-files.json": "files is required when status is SUCCESS",
        "trailing-slash.json": #"files[0].path "globals/" has an empty segment ("//" or a trailing "/"); write "globals""#,
        "unknown-status.json": #"status must be "SUCCESS" or "FAILED", found "OK""#,
    ]

    @Test("the fixtures are found")
    func fixturesAreFound() {
        #expect(Self.valid.count >= 5)
        #expect(Self.invalid.count >= 20)
    }

    @Test("valid fixtures decode (verify: sha256 when every file has a hash)", arguments: valid)
    func validFixtureDecodes(_ name: String) throws {
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("status/valid/\(name)"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let files = object["files"] as? [[String: Any]] ?? []
        let verify: Verification = files.allSatisfy { $0["sha256"] != nil } ? .sha256 : .none
        let result = StatusReportDecoder.decode(data, job: object["job"] as? String ?? "postgres-prod", verify: verify)
        if case .failure(let problem) = result { Issue.record("\(name) refused: \(problem)") }
    }

    @Test("invalid fixtures are refused, each for its own reason (even with verify: none)", arguments: invalid)
    func invalidFixtureIsRefused(_ name: String) throws {
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("status/invalid/\(name)"))
        switch StatusReportDecoder.decode(data, job: "postgres-prod", verify: .none) {
        case .success(let report):
            Issue.record("\(name) accepted: \(report)")
        case .failure(let problem):
            let expected = try #require(Self.expectedProblems[name], "no expected problem declared for \(name): \(problem)")
            #expect(problem.message.contains(expected), "\(name): \(problem)")
        }
    }
}
