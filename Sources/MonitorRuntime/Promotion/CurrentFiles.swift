import Foundation
import MonitorCore

#if canImport(Glibc)
    import Glibc
#endif

/// The files of the current version, as its kept `STATUS.json` lists them, that a new version
/// may hard-link instead of copying (`promote: link_unchanged`, SPEC §14).
///
/// Only files listed with a SHA-256 can be matched: that hash was checked when the version was
/// promoted. A file of the new version is linked only after its staged copy has been read and
/// hashed, and found equal in size and SHA-256 (and to what its own `STATUS.json` says): nothing
/// is linked on the word of a status file alone.
///
/// Shared by the workers of ``FileCopies``; the first refused link is kept under a lock.
final class CurrentFiles: @unchecked Sendable {
    /// The id of the current version, which files are linked from.
    let id: String
    private let folder: Int32
    /// Files by size, each with its path and SHA-256.
    private let bySize: [Int64: [(path: String, sha256: String)]]
    private let lock = NSLock()
    private var firstRefusal: SystemCallError?
    private var refusedCount = 0
    /// The call that makes a link; `linkat(2)` but in tests.
    private let makeLink: @Sendable (Int32, String, Int32, String) -> Int32

    /// Errors by which a file system says it will not make this hard link (different file
    /// systems, links not supported, too many links to the file, an immutable or protected
    /// file): the file is then copied.
    static let refusals: Set<Int32> = [EXDEV, EPERM, EMLINK, EOPNOTSUPP, ENOTSUP, ENOSYS]

    /// The current version of `job`, when there is one whose `STATUS.json` can be read; nil
    /// otherwise (every file is then copied).
    static func open(
        job: JobFolder, versions: Int32,
        makeLink: @escaping @Sendable (Int32, String, Int32, String) -> Int32 = { linkat($0, $1, $2, $3, 0) }
    ) -> CurrentFiles? {
        guard let id = job.currentVersionID(),
            let folder = try? SystemCall.openFolder(at: versions, id, path: "\(VersionName.versionsFolder)/\(id)")
        else { return nil }
        guard let data = readStatus(in: folder),
            case .success(let report) = StatusReportDecoder.decode(data, job: (job.path as NSString).lastPathComponent, verify: .none)
        else {
            close(folder)
            return nil
        }
        var bySize: [Int64: [(path: String, sha256: String)]] = [:]
        for file in report.files {
            guard let sha256 = file.sha256?.lowercased() else { continue }
            let size: Int64
            if let listed = file.size {
                size = listed
            } else if let info = try? SystemCall.status(at: folder, file.path, path: file.path), SystemCall.isRegularFile(info) {
                size = Int64(info.st_size)
            } else {
                continue
            }
            bySize[size, default: []].append((file.path, sha256))
        }
        return CurrentFiles(id: id, folder: folder, bySize: bySize, makeLink: makeLink)
    }

    private init(
        id: String, folder: Int32, bySize: [Int64: [(path: String, sha256: String)]],
        makeLink: @escaping @Sendable (Int32, String, Int32, String) -> Int32
    ) {
        self.id = id
        self.folder = folder
        self.bySize = bySize
        self.makeLink = makeLink
    }

    deinit { close(folder) }

    /// The first link the file system refused in this promotion, and how many it refused.
    var refusal: (error: SystemCallError, count: Int)? { lock.withLock { firstRefusal.map { ($0, refusedCount) } } }

    /// Links `copy.file` from the current version when its staged bytes equal one of its files.
    ///
    /// - Returns: the outcome when the file was linked, or — after it was hashed and found to
    ///   match nothing, or the link was refused — copied; nil when no file of the current
    ///   version could match it (the caller copies it, hashing it on the way, as `copy` does).
    func link(_ copy: FileCopy, from staging: Int32, into tree: VersionTree) throws(PromotionFailure) -> FileCopies.Outcome? {
        let file = copy.file
        let declared = file.sha256?.lowercased()
        let size: Int64
        if let listed = file.size {
            size = listed
        } else {
            // Without a listed size, the staged file's own decides whether anything could match.
            guard let info = try? SystemCall.status(at: staging, file.path, path: file.path) else { return nil }
            size = Int64(info.st_size)
        }
        let candidates = (bySize[size] ?? []).filter { declared == nil || $0.sha256 == declared }
        guard !candidates.isEmpty else { return nil }
        // Read and hash the staged file, checked against STATUS.json as a copy would be.
        let (read, sha256) = try copy.hash(from: staging)
        guard read == size, let match = candidates.first(where: { $0.sha256 == sha256 }) else {
            return FileCopies.Outcome(bytes: try copy.copy(from: staging, into: tree))
        }
        let label = "\(tree.label)/\(file.path)"
        do {
            // The file linked must still be the regular file of that size the version was made with.
            guard let info = try SystemCall.status(at: folder, match.path, path: "versions/\(id)/\(match.path)"),
                SystemCall.isRegularFile(info), Int64(info.st_size) == size
            else {
                return FileCopies.Outcome(bytes: try copy.copy(from: staging, into: tree))
            }
            let (target, name) = try tree.parent(of: file.path)
            if makeLink(folder, match.path, target, name) != 0 {
                let code = errno
                guard Self.refusals.contains(code) else { throw SystemCallError(operation: "link", path: label, code: code) }
                lock.withLock {
                    if firstRefusal == nil { firstRefusal = SystemCallError(operation: "link", path: label, code: code) }
                    refusedCount += 1
                }
                return FileCopies.Outcome(bytes: try copy.copy(from: staging, into: tree))
            }
            // Versions sharing a file are read-only, so that none can change another; a version
            // promoted with `copy` loses its write bits on the files it now shares.
            if info.st_mode & 0o7777 != 0o444, fchmodat(target, name, 0o444, 0) != 0 {
                throw SystemCallError(operation: "set the permissions of", path: label, code: errno)
            }
            return FileCopies.Outcome(bytes: size, sha256: sha256, linked: true)
        } catch let error as SystemCallError {
            throw PromotionFailure(error, jobFolder: copy.jobFolder)
        } catch let error as PromotionFailure {
            throw error
        } catch {
            throw .failed("\(label): \(error)")
        }
    }

    /// The bytes of `STATUS.json` in `folder` (at most ``StatusFileReader/maximumSize``), or nil.
    private static func readStatus(in folder: Int32) -> Data? {
        guard let fd = try? SystemCall.open(at: folder, VersionName.statusFile, flags: O_RDONLY | O_NOFOLLOW, path: VersionName.statusFile)
        else { return nil }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while data.count <= StatusFileReader.maximumSize {
            let count = buffer.withUnsafeMutableBytes { try? SystemCall.read(fd, into: $0, path: VersionName.statusFile) }
            guard let count else { return nil }
            if count == 0 { return data }
            data.append(contentsOf: buffer[..<count])
        }
        return nil
    }
}
