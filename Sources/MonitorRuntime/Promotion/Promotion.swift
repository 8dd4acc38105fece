import Foundation
import MonitorCore

#if canImport(Glibc)
    import Glibc
#endif

/// One promotion of one status file into one job folder; see ``Promoter/promote(report:statusBytes:jobFolder:versionID:keepVersions:)``.
struct Promotion {
    let report: StatusReport
    let statusBytes: Data
    let versionID: String
    let keepVersions: Int?
    let job: JobFolder
    var mode: PromotionMode = .copy
    /// How `link_unchanged` makes a hard link; `linkat(2)` but in tests.
    var makeLink: (@Sendable (Int32, String, Int32, String) -> Int32)?

    private var readOnly: Bool { mode == .linkUnchanged }

    private var label: String { "\(VersionName.versionsFolder)/\(versionID)" }

    /// Flush files and folders as they are made; false in a batch of promotions
    /// (``Promoter/promote(_:logger:now:)``), which flushes the whole file system once between
    /// ``stage()`` and ``install(_:)`` and once after.
    var flushesNow = true

    /// A version ready to be installed: copied into a temporary folder (not yet renamed), found
    /// already promoted, or verified in place.
    struct Staged {
        var version: PromotedVersion
        /// The temporary folder under `versions/` to rename to the version id; nil when there is
        /// nothing to rename.
        var temporary: String?
        /// `promote: none`: nothing to rename nor switch.
        var inPlace = false
    }

    func run() throws(PromotionFailure) -> PromotedVersion {
        try install(try stage())
    }

    /// Copies, hashes and checks every file into a temporary folder under `versions/` (flushed
    /// when ``flushesNow``), or finds the version already promoted, or (`none`) verifies it in place.
    func stage() throws(PromotionFailure) -> Staged {
        try checkListing()
        if mode == .none { return Staged(version: try verifyInPlace(), inPlace: true) }
        guard let versions = try job.versions(create: true) else {
            throw .failed("\(job.path)/versions could not be created")
        }
        if let existing = try reuse(in: versions) { return Staged(version: existing) }
        return try build(in: versions)
    }

    /// Renames a staged version into place, makes it current when it is the newest, and applies
    /// `keepVersions`. In a batch, call it only once the staged files are on disk.
    func install(_ staged: Staged) throws(PromotionFailure) -> PromotedVersion {
        var version = staged.version
        if staged.inPlace { return version }
        guard let versions = try job.versions(create: true) else {
            throw .failed("\(job.path)/versions could not be created")
        }
        if let temporary = staged.temporary {
            do throws(SystemCallError) {
                try SystemCall.rename(at: versions, temporary, to: versionID, path: "\(label)/")
                if flushesNow { try SystemCall.flush(versions, path: "\(VersionName.versionsFolder)/") }
            } catch {
                discard(staged)
                throw PromotionFailure(error, jobFolder: job.path)
            }
        }
        version.isCurrent = try job.makeCurrentIfNewer(versionID)
        if let keepVersions {
            let retention = job.applyRetention(keep: keepVersions)
            version.isKept = !retention.deleted.contains(versionID)
            version.warnings = retention.warnings
        }
        return version
    }

    /// Removes the temporary folder of a staged version that will not be installed (or, if even
    /// that fails, leaves it to ``JobFolder/recover()``).
    func discard(_ staged: Staged) {
        guard let temporary = staged.temporary, let versions = try? job.versions(create: false) else { return }
        try? SystemCall.removeTree(at: versions, temporary, path: "\(VersionName.versionsFolder)/\(temporary)")
    }

    /// Refuses a listing that cannot be laid out as a folder, whatever the status-file reader let through.
    private func checkListing() throws(PromotionFailure) {
        var seen = Set<String>()
        for file in report.files {
            let parts = file.path.split(separator: "/", omittingEmptySubsequences: false)
            if file.path.hasPrefix("/") || parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
                throw .failed("\"\(file.path)\" is not a normalized path relative to staging/")
            }
            if file.path == VersionName.statusFile {
                throw .failed("STATUS.json cannot be listed in files: the version folder keeps the status file under that name")
            }
            if !seen.insert(file.path).inserted {
                throw .failed("staging/\(file.path) is listed twice in files")
            }
        }
    }

    /// Copies everything into a temporary folder and flushes it (``flushesNow``); ``install(_:)``
    /// renames it into place. On any failure the temporary folder is removed (or, if even that
    /// fails, left to ``JobFolder/recover()``).
    private func build(in versions: Int32) throws(PromotionFailure) -> Staged {
        let staging = try openStaging()
        defer { close(staging) }
        let temporary = VersionName.unique("\(VersionName.temporaryPrefix)\(versionID)-")
        var outcomes: [FileCopies.Outcome] = []
        let current: CurrentFiles? =
            mode == .linkUnchanged
            ? makeLink.map { CurrentFiles.open(job: job, versions: versions, makeLink: $0) } ?? CurrentFiles.open(job: job, versions: versions)
            : nil
        do throws(any Error) {
            try SystemCall.makeFolder(at: versions, temporary, path: "\(label)/")
            let tree = VersionTree(root: try SystemCall.openFolder(at: versions, temporary, path: "\(label)/"), label: label)
            outcomes = try FileCopies(files: report.files, jobFolder: job.path).copy(
                from: staging, into: tree, readOnly: readOnly, linking: current, flushesNow: flushesNow)
            try writeStatus(into: tree.root)
            // Read-only last, once every file is in: a version sharing files with another must not change it.
            if readOnly { try tree.makeReadOnly() }
            if flushesNow { try tree.flush() }
            tree.close()
        } catch {
            try? SystemCall.removeTree(at: versions, temporary, path: "versions/\(temporary)")
            switch error {
            case let error as PromotionFailure: throw error
            case let error as SystemCallError: throw PromotionFailure(error, jobFolder: job.path)
            default: throw .failed("\(label): \(error)")
            }
        }
        var version = PromotedVersion(
            id: versionID, path: absolutePath, files: report.files.count, bytes: outcomes.reduce(0) { $0 + $1.bytes }, isCurrent: false,
            contents: zip(report.files, outcomes).map { file, outcome in
                // A linked file was hashed on its own: its SHA-256 is known even when STATUS.json gave none.
                VersionFile(path: file.path, size: outcome.bytes, sha256: outcome.sha256 ?? file.sha256?.lowercased())
            })
        version.linkedFiles = outcomes.filter(\.linked).count
        if let refusal = current?.refusal {
            version.linkRefusal =
                "the file system refused to hard-link \(refusal.count) unchanged file\(refusal.count == 1 ? "" : "s") "
                + "(first: \(refusal.error.path) from versions/\(current?.id ?? "?"): \(PromotionFailure.describe(refusal.error.code))); "
                + "copied instead"
        }
        return Staged(version: version, temporary: temporary)
    }

    /// The job's `staging/` folder, opened for reading the files it holds.
    private func openStaging() throws(PromotionFailure) -> Int32 {
        do {
            return try SystemCall.open(at: job.fd, VersionName.stagingFolder, flags: O_RDONLY | O_DIRECTORY, path: "staging/")
        } catch {
            throw PromotionFailure(error, jobFolder: job.path)
        }
    }

    /// `promote: none`: every listed file is read in staging and checked (presence, size,
    /// SHA-256), and nothing is copied; `current_version` and `versions/` are left alone. The
    /// version is recorded with the staging folder as its place.
    private func verifyInPlace() throws(PromotionFailure) -> PromotedVersion {
        let staging = try openStaging()
        defer { close(staging) }
        let outcomes = try FileCopies(files: report.files, jobFolder: job.path).verifyInPlace(in: staging)
        let contents = zip(report.files, outcomes).map { file, outcome in
            VersionFile(path: file.path, size: outcome.bytes, sha256: outcome.sha256 ?? file.sha256?.lowercased())
        }
        return PromotedVersion(
            id: versionID, path: Promoter.inPlacePath(jobFolder: job.path), files: report.files.count,
            bytes: outcomes.reduce(0) { $0 + $1.bytes }, isCurrent: false, contents: contents)
    }

    /// What the scrub compares the version with later: each file's size as copied, and the
    /// SHA-256 the copy was checked against (none when the status file gave none).
    private func contents(_ sizes: [Int64]) -> [VersionFile] {
        zip(report.files, sizes).map { file, size in VersionFile(path: file.path, size: size, sha256: file.sha256?.lowercased()) }
    }

    private func writeStatus(into folder: Int32) throws(SystemCallError) {
        let path = "\(label)/\(VersionName.statusFile)"
        let fd = try SystemCall.open(
            at: folder, VersionName.statusFile, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
            mode: readOnly ? 0o444 : 0o644, operation: "create", path: path)
        defer { close(fd) }
        // withUnsafeBytes rethrows untyped errors; carry the typed one out by hand.
        let failure = statusBytes.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> SystemCallError? in
            do throws(SystemCallError) { try SystemCall.writeAll(fd, bytes, path: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        if flushesNow { try SystemCall.flush(fd, path: path) }
    }

    /// The version already promoted under this id — a scan that stopped after the rename but
    /// before the ledger recorded it — checked to be this very status file and complete.
    ///
    /// Files are checked by type and size, not re-hashed: a version folder only gets its name
    /// after its files were verified and flushed.
    private func reuse(in versions: Int32) throws(PromotionFailure) -> PromotedVersion? {
        do {
            guard let info = try SystemCall.status(at: versions, versionID, path: label) else { return nil }
            let moveAway = "move it away (or delete it) so that this status file can be promoted"
            guard SystemCall.isFolder(info) else { throw PromotionFailure.failed("\(label) exists but is not a folder; \(moveAway)") }
            let folder = try SystemCall.openFolder(at: versions, versionID, path: label)
            defer { close(folder) }
            guard try readStatus(in: folder) == statusBytes else {
                throw PromotionFailure.failed("\(label) already exists with a different STATUS.json; \(moveAway)")
            }
            var sizes: [Int64] = []
            for file in report.files {
                let copy = try SystemCall.status(at: folder, file.path, path: "\(label)/\(file.path)")
                guard let copy, SystemCall.isRegularFile(copy), file.size.map({ $0 == Int64(copy.st_size) }) ?? true else {
                    throw PromotionFailure.failed("\(label) already exists but \(file.path) in it is missing or differs; \(moveAway)")
                }
                sizes.append(Int64(copy.st_size))
            }
            return PromotedVersion(
                id: versionID, path: absolutePath, files: report.files.count, bytes: sizes.reduce(0, +), isCurrent: false,
                contents: contents(sizes))
        } catch let error as SystemCallError {
            throw PromotionFailure(error, jobFolder: job.path)
        } catch let error as PromotionFailure {
            throw error
        } catch {
            throw .failed("\(label): \(error)")
        }
    }

    /// The bytes of `STATUS.json` in `folder`, or nil when it is missing or larger than `statusBytes`.
    private func readStatus(in folder: Int32) throws(SystemCallError) -> Data? {
        let path = "\(label)/\(VersionName.statusFile)"
        guard let info = try SystemCall.status(at: folder, VersionName.statusFile, path: path),
            SystemCall.isRegularFile(info), Int(info.st_size) == statusBytes.count
        else { return nil }
        let fd = try SystemCall.open(at: folder, VersionName.statusFile, flags: O_RDONLY | O_NOFOLLOW, path: path)
        defer { close(fd) }
        var data = Data(count: statusBytes.count)
        var filled = 0
        let failure = data.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) -> SystemCallError? in
            do throws(SystemCallError) {
                while filled < buffer.count {
                    let count = try SystemCall.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), path: path)
                    if count == 0 { break }
                    filled += count
                }
            } catch {
                return error
            }
            return nil
        }
        if let failure { throw failure }
        return filled == statusBytes.count ? data : nil
    }

    private var absolutePath: String {
        URL(fileURLWithPath: job.path).appendingPathComponent(label).standardizedFileURL.path
    }
}
