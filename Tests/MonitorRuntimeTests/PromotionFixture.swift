import Foundation
import MonitorCore
import MonitorRuntime
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A status file ready to promote: the report, its exact bytes, and the version id they give.
struct StagedBackup {
    var report: StatusReport
    var statusBytes: Data
    var versionID: String
}

/// `<temporary>/postgres-prod/` with its `staging/`: the folder promotion works in, on the real
/// file system. `remove()` deletes it all.
struct PromotionJob {
    let root: URL
    let folder: String
    var staging: URL { URL(fileURLWithPath: folder).appendingPathComponent("staging") }
    var versions: URL { URL(fileURLWithPath: folder).appendingPathComponent("versions") }
    var current: String { "\(folder)/current_version" }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-promotion-\(UUID().uuidString)")
        folder = root.appendingPathComponent("postgres-prod").path
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    }

    /// The job folder `folder` (its `staging/` created), elsewhere than the temporary folder: on a mounted file system.
    init(at folder: String) throws {
        root = URL(fileURLWithPath: folder).deletingLastPathComponent()
        self.folder = folder
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Writes `files` into staging and a status report listing each with its size and SHA-256.
    ///
    /// - Parameter finishedAt: seconds after 2026-11-24T01:00:00Z; later backups get larger ids.
    @discardableResult
    func stage(_ files: [(String, Data)], finishedAt minute: Int = 0, sizes: Bool = true, hashes: Bool = true) throws -> StagedBackup {
        var listed: [StatusReport.File] = []
        for (path, data) in files {
            let url = staging.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
            listed.append(.init(path: path, size: sizes ? Int64(data.count) : nil, sha256: hashes ? FileSHA256.hex(of: data) : nil))
        }
        return backup(listing: listed, finishedAt: minute)
    }

    /// A report listing `files` as given (they may not match staging: that is the point of some tests).
    func backup(listing files: [StatusReport.File], finishedAt minute: Int = 0) -> StagedBackup {
        let finished = Date(timeIntervalSince1970: 1_795_482_000 + Double(minute) * 60)
        let report = StatusReport(
            job: "postgres-prod", status: .success, startedAt: nil, finishedAt: finished,
            files: files, message: nil, producer: nil)
        let entries = files.map { file in
            "{\"path\": \"\(file.path)\"\(file.size.map { ", \"size\": \($0)" } ?? "")\(file.sha256.map { ", \"sha256\": \"\($0)\"" } ?? "")}"
        }
        let json =
            "{\"status\": \"SUCCESS\", \"finished_at\": \"\(ISO8601DateFormatter().string(from: finished))\", \"files\": [\(entries.joined(separator: ", "))]}\n"
        let bytes = Data(json.utf8)
        return StagedBackup(
            report: report, statusBytes: bytes,
            versionID: Promoter.versionID(finishedAt: finished, statusSHA256: FileSHA256.hex(of: bytes)))
    }

    func promote(_ backup: StagedBackup, keep: Int = 3) -> PromotionResult {
        Promoter().promote(
            report: backup.report, statusBytes: backup.statusBytes, jobFolder: folder,
            versionID: backup.versionID, keepVersions: keep)
    }

    /// Promotes and returns the version, recording an issue when the promotion did not succeed.
    @discardableResult
    func promoted(_ backup: StagedBackup, keep: Int = 3, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> PromotedVersion? {
        let result = promote(backup, keep: keep)
        guard case .promoted(let version) = result else {
            Issue.record("expected a promotion, got \(result)", sourceLocation: sourceLocation)
            return nil
        }
        return version
    }

    var currentID: String? { Promoter().currentVersionID(jobFolder: folder) }

    /// The names under `versions/` (complete versions and leftovers alike), sorted.
    var versionNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: versions.path)) ?? []).sorted()
    }

    /// Anything promotion leaves only while it runs: temporary folders and links.
    var leftovers: [String] {
        let inJob = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(".") }
        return versionNames.filter { $0.hasPrefix(".") } + inJob
    }

    /// Every regular file under staging with its bytes, mode and modification time, to show it was not touched.
    func stagingSnapshot() throws -> [String: String] {
        var snapshot: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: staging.path)
        while let path = enumerator?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: staging.appendingPathComponent(path).path)
            let data = (try? Data(contentsOf: staging.appendingPathComponent(path))) ?? Data()
            snapshot[path] = "\(attributes[.posixPermissions] ?? "") \(attributes[.modificationDate] ?? "") \(FileSHA256.hex(of: data))"
        }
        return snapshot
    }
}

/// What is wrong with `versions/<id>` of `jobFolder` as a complete version: every file its
/// STATUS.json lists present with the listed size and SHA-256. Empty when it is sound.
func versionProblems(jobFolder: String, id: String) -> [String] {
    let folder = "\(jobFolder)/versions/\(id)"
    guard let data = FileManager.default.contents(atPath: "\(folder)/STATUS.json"),
        let status = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let files = status["files"] as? [[String: Any]]
    else { return ["\(folder)/STATUS.json is missing or unreadable"] }
    var problems: [String] = []
    for file in files {
        guard let path = file["path"] as? String else { return ["a file without a path in \(folder)/STATUS.json"] }
        guard let actual = try? FileSHA256.ofFile(at: "\(folder)/\(path)") else {
            problems.append("\(path) is missing")
            continue
        }
        if let sha = file["sha256"] as? String, sha != actual.sha256 { problems.append("\(path): SHA-256 differs") }
        if let size = file["size"] as? Int, Int64(size) != actual.size { problems.append("\(path): size differs") }
    }
    return problems
}

/// Bytes that differ from one test file to the next.
func randomBytes(_ count: Int) -> Data {
    var generator = SystemRandomNumberGenerator()
    var data = Data(count: count)
    data.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            var word = generator.next()
            let length = min(8, buffer.count - offset)
            withUnsafeBytes(of: &word) { buffer.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: length) }
            offset += length
        }
    }
    return data
}
