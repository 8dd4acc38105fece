import Foundation
import MonitorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes status files: what `monitor seal` does for producers (SPEC §3), and the listing and
/// hashing that the scanner shares.
public enum StatusFileWriter {

    /// Seals `folder`: lists and hashes every regular file under it (for SUCCESS; a FAILED status
    /// file lists no files, so that reporting a failure never fails on a half-written backup),
    /// checks the result with ``StatusReportDecoder`` and writes `folder/STATUS.json` atomically.
    /// - Returns: the report written and the path of the status file.
    public static func seal(
        folder: String, status: StatusReport.Outcome, job: String?, message: String?, startedAt: Date?, finishedAt: Date
    ) throws(SealError) -> (report: StatusReport, path: String) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw .notAFolder(folder)
        }
        let files = status == .success ? try listFiles(in: folder) : []
        if status == .success, files.isEmpty { throw .noFiles(folder: folder) }
        let report = StatusReport(
            job: job, status: status, startedAt: startedAt, finishedAt: finishedAt,
            files: files, message: message, producer: nil)
        let data = encode(report)
        // What scan would refuse is never written: a producer learns it now, not at 3 a.m.
        guard data.count <= StatusFileReader.maximumSize else { throw .tooLarge(bytes: data.count, files: files.count) }
        if case .failure(let problem) = StatusReportDecoder.decode(data, job: job ?? "", verify: .sha256) {
            throw .refusedByDecoder(problem.message)
        }
        return (report, try write(data, into: folder))
    }

    /// The JSON of `report`, keys in the order of SPEC §3, one file per line. Times are written
    /// in UTC with whole seconds; an empty `files` list is left out.
    public static func encode(_ report: StatusReport) -> Data {
        var lines: [String] = []
        if let job = report.job { lines.append("  \"job\": \(jsonString(job))") }
        lines.append("  \"status\": \(jsonString(report.status.rawValue))")
        if let startedAt = report.startedAt { lines.append("  \"started_at\": \(jsonString(RFC3339Time.string(startedAt)))") }
        lines.append("  \"finished_at\": \(jsonString(RFC3339Time.string(report.finishedAt)))")
        if !report.files.isEmpty {
            let files = report.files.map { file in
                var fields = ["\"path\": \(jsonString(file.path))"]
                if let size = file.size { fields.append("\"size\": \(size)") }
                if let sha256 = file.sha256 { fields.append("\"sha256\": \(jsonString(sha256))") }
                return "    {" + fields.joined(separator: ", ") + "}"
            }
            lines.append("  \"files\": [\n" + files.joined(separator: ",\n") + "\n  ]")
        }
        if let message = report.message { lines.append("  \"message\": \(jsonString(message))") }
        if let producer = report.producer { lines.append("  \"producer\": \(jsonString(producer))") }
        return Data(("{\n" + lines.joined(separator: ",\n") + "\n}\n").utf8)
    }

    /// Writes `data` as `folder/STATUS.json` atomically (``AtomicFile``): a reader sees the old
    /// status file or the new one, never part of one. Returns the path written.
    public static func write(_ data: Data, into folder: String) throws(SealError) -> String {
        let target = display(folder, StatusPath.statusFileName)
        do throws(AtomicFile.Failure) { try AtomicFile.write(data, to: target) } catch { throw .cannotWrite(path: target, reason: error.reason) }
        return target
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped; U+2028 and
    /// U+2029 too, so the file can be pasted into JavaScript.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{2028}", "\u{2029}", "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
