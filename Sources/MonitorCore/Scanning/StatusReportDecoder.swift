import Foundation

/// Decodes and validates the bytes of a `STATUS.json` (SPEC §3), strictly and without touching
/// the disk: whether the listed files exist is the file-system side's business
/// (`StatusFileReader` in MonitorRuntime).
///
/// Every problem is collected (the first ``StatusFileProblem/maximumShown`` are spelled out), each
/// naming the field: `files[1].sha256 must be 64 hexadecimal digits, found "abc"`.
public enum StatusReportDecoder {
    /// `message` and `producer` are cut to this many UTF-8 bytes, so that a hostile producer
    /// cannot bloat the ledger, the alerts or the dashboard.
    public static let maximumTextBytes = 4_096

    /// Strictly decodes and validates status-file bytes for job `job` with verification `verify` (SPEC §3).
    ///
    /// - `status` is `SUCCESS` or `FAILED` (exactly); `finished_at` is required and `started_at`
    ///   optional, both RFC 3339 with an offset (``RFC3339Time``).
    /// - `job`, when present, equals `job`; `message` and `producer` are cleaned of control
    ///   characters and cut (``maximumTextBytes``); unknown keys are ignored.
    /// - `files` is required and non-empty for SUCCESS, and validated whenever present: each path
    ///   follows ``StatusPath`` and appears once; `size` is a whole number ≥ 0; `sha256` is 64 hex
    ///   digits (stored lower-case), required when `verify` is `.sha256` and the status is not FAILED.
    public static func decode(_ data: Data, job: String, verify: Verification) -> Result<StatusReport, StatusFileProblem> {
        let bytes = [UInt8](data)
        guard !bytes.isEmpty else { return .failure(StatusFileProblem(message: "the status file is empty")) }
        let root: StrictJSON
        do throws(StrictJSONError) {
            root = try StrictJSONParser.parse(bytes)
        } catch {
            let (line, column) = error.position(in: bytes)
            return .failure(StatusFileProblem(message: "invalid JSON at line \(line), column \(column): \(error.reason)"))
        }
        guard case .object(let fields) = root else {
            return .failure(
                StatusFileProblem(message: "the status file must be a JSON object such as {\"status\": \"SUCCESS\", ...}, found \(root.shown)"))
        }
        var reading = StatusReportReading(fields: fields, job: job, verify: verify)
        if let report = reading.report(), reading.problems.isEmpty { return .success(report) }
        return .failure(StatusFileProblem(problems: reading.problems))
    }
}

/// One pass over the fields of a status file, collecting problems as it goes.
struct StatusReportReading {
    let fields: [String: StrictJSON]
    let job: String
    let verify: Verification
    var problems: [String] = []

    static let timeHint = "an RFC 3339 time with an offset (e.g. \(RFC3339Time.example))"

    mutating func report() -> StatusReport? {
        let reportJob = readJob()
        let status = readStatus()
        let startedAt = readTime("started_at")
        let finishedAt = readTime("finished_at", required: true)
        let message = readText("message")
        let producer = readText("producer")
        let files = readFiles(status: status)
        guard let status, let finishedAt, problems.isEmpty else { return nil }
        return StatusReport(
            job: reportJob, status: status, startedAt: startedAt, finishedAt: finishedAt,
            files: files, message: message, producer: producer)
    }

    private mutating func readJob() -> String? {
        switch fields["job"] {
        case nil:
            return nil
        case .string(let text)?:
            if text == job { return text }
            problems.append("job is \(SafeText.quoted(text)) but this status file is in the staging folder of job \(SafeText.quoted(job))")
        case let other?:
            problems.append("job must be a string (the job's name, \(SafeText.quoted(job))), found \(Self.shown(optional: other))")
        }
        return nil
    }

    private mutating func readStatus() -> StatusReport.Outcome? {
        switch fields["status"] {
        case nil:
            problems.append("status is required: \"SUCCESS\" or \"FAILED\"")
        case .string(let text)?:
            if let outcome = StatusReport.Outcome(rawValue: text) { return outcome }
            let hint = StatusReport.Outcome(rawValue: text.uppercased()) != nil ? " (in upper case)" : ""
            problems.append("status must be \"SUCCESS\" or \"FAILED\"\(hint), found \(SafeText.quoted(text))")
        case let other?:
            problems.append("status must be \"SUCCESS\" or \"FAILED\", found \(other.shown)")
        }
        return nil
    }

    private mutating func readTime(_ key: String, required: Bool = false) -> Date? {
        switch fields[key] {
        case nil:
            if required { problems.append("\(key) is required: \(Self.timeHint)") }
        case .string(let text)?:
            if let date = RFC3339Time.parse(text) { return date }
            problems.append("\(key) \(SafeText.quoted(text)) is not \(Self.timeHint)")
        case let other?:
            problems.append("\(key) must be \(Self.timeHint), found \(required ? other.shown : Self.shown(optional: other))")
        }
        return nil
    }

    private mutating func readText(_ key: String) -> String? {
        switch fields[key] {
        case nil:
            return nil
        case .string(let text)?:
            return SafeText.cleaned(text, maximumBytes: StatusReportDecoder.maximumTextBytes)
        case let other?:
            problems.append("\(key) must be a string, found \(Self.shown(optional: other))")
            return nil
        }
    }

    /// How a wrong value of an optional field appears: `null` says how to write "no value".
    static func shown(optional value: StrictJSON) -> String {
        value == .null ? "null (leave the key out when there is no value)" : value.shown
    }
}
