import Foundation
import MonitorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checks that each path listed by a status file names a regular file really inside `staging/`:
/// every folder on the way is a real folder (not a symbolic link, even one pointing inside
/// staging), the file itself is a regular file (`lstat`), and the real path of its folder is
/// staging's real path or below it. Sizes and hashes are the promoter's business.
///
/// The paths were already checked by ``StatusPath`` (relative, no `.`/`..`/empty segment).
struct StagingFileChecker {
    let staging: String
    /// `realpath` of staging, computed once (staging itself may be a symbolic link, e.g. to another disk).
    private lazy var stagingRealPath: String? = Self.realPath(staging)
    /// Problems of folders already checked (relative path → problem, or `nil` for a good folder).
    private var folders: [String: String?] = [:]
    /// Containment problems of folders already resolved, likewise.
    private var containment: [String: String?] = [:]
    /// The first temporary fault met (``IOFault``): the reading is then retried, not judged.
    private(set) var transientProblem: String?

    init(staging: String) {
        self.staging = staging
    }

    /// Why `path` (listed as `files[index]`) does not name a regular file inside staging, or `nil`.
    mutating func problem(with path: String, index: Int) -> String? {
        let name = "files[\(index)] \(SafeText.quoted(path))"
        let segments = path.split(separator: "/").map(String.init)
        var folder = ""
        for segment in segments.dropLast() {
            folder = folder.isEmpty ? segment : folder + "/" + segment
            if let problem = folderProblem(folder) { return "\(name) \(problem)" }
        }
        var info = stat()
        guard lstat(staging + "/" + path, &info) == 0 else {
            let code = errno
            return code == ENOENT || code == ENOTDIR
                ? "\(name) is not in staging/" : noted("\(name) cannot be checked: \(FileSHA256.describe(code))", code)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFLNK: return "\(name) is a symbolic link; monitor accepts only regular files inside staging/, not links"
        case S_IFDIR: return "\(name) is a folder, not a file"
        default: return "\(name) is not a regular file (a FIFO, socket or device)"
        }
        if segments.count > 1, let problem = containmentProblem(folder) { return "\(name) \(problem)" }
        return nil
    }

    private mutating func folderProblem(_ folder: String) -> String? {
        if let known = folders[folder] { return known }
        let problem: String?
        var info = stat()
        if lstat(staging + "/" + folder, &info) != 0 {
            let code = errno
            problem =
                code == ENOENT || code == ENOTDIR
                ? "is not in staging/"
                : noted("cannot be checked: \(SafeText.quoted(folder)): \(FileSHA256.describe(code))", code)
        } else {
            switch info.st_mode & S_IFMT {
            case S_IFDIR: problem = nil
            case S_IFLNK: problem = "goes through \(SafeText.quoted(folder)), a symbolic link; monitor does not follow links inside staging/"
            default: problem = "is not in staging/ (\(SafeText.quoted(folder)) is not a folder)"
            }
        }
        folders[folder] = .some(problem)
        return problem
    }

    /// Belt and braces after the `lstat` walk: the real path of the file's folder must be inside
    /// staging's real path (it catches a folder swapped for a link between two checks).
    private mutating func containmentProblem(_ folder: String) -> String? {
        if let known = containment[folder] { return known }
        let problem: String?
        errno = 0
        if let root = stagingRealPath, let real = Self.realPath(staging + "/" + folder) {
            let inside = real == root || real.utf8.starts(with: (root == "/" ? "/" : root + "/").utf8)
            problem = inside ? nil : "resolves outside staging/ (to \(SafeText.quoted(real)))"
        } else {
            problem = noted("is not in staging/ (its folder cannot be resolved)", errno)
        }
        containment[folder] = .some(problem)
        return problem
    }

    /// `problem`, remembered as ``transientProblem`` when `code` is a temporary fault.
    private mutating func noted(_ problem: String, _ code: Int32) -> String {
        if transientProblem == nil, IOFault.isTransient(code) { transientProblem = problem }
        return problem
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
