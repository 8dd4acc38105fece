#if canImport(Glibc)
    import Glibc
#endif

/// Why a promotion stopped, as the operator will read it in the ledger and the log.
enum PromotionFailure: Error, Sendable {
    /// The content does not match what `STATUS.json` says (size or SHA-256).
    case mismatch(String)
    /// The copy could not be made; nothing was promoted.
    case failed(String)
    /// A temporary fault of this host (``IOFault``) stopped the copy: nothing was promoted, and
    /// nothing is judged; the next scan tries again.
    case postponed(String)

    var message: String {
        switch self {
        case .mismatch(let message), .failed(let message), .postponed(let message): message
        }
    }

    var result: PromotionResult {
        switch self {
        case .mismatch(let message): .mismatch(message: message)
        case .failed(let message): .failed(message: message)
        case .postponed(let message): .postponed(message: message)
        }
    }

    /// A sentence for a failed system call, with what to do about it when the cause is one an
    /// operator can fix (space, permissions, a producer touching staging during the copy).
    init(_ error: SystemCallError, jobFolder: String) {
        let inStaging = error.path.hasPrefix(VersionName.stagingFolder + "/")
        switch error.code {
        case ENOENT where inStaging:
            self = .failed("\(error.path) vanished before it could be copied — the producer must not delete or rename files listed in STATUS.json")
            return
        case ELOOP where inStaging, ENOTDIR where inStaging:
            self = .failed("\(error.path) is (or lies under) a symbolic link or not a folder; only regular files inside staging/ are promoted")
            return
        default:
            break
        }
        let hint: String
        switch error.code {
        case ENOSPC, EDQUOT:
            hint = " — the disk holding \(jobFolder) is full; free space there or lower keep_versions"
        case EFBIG:
            hint = " — the file is larger than the file system (or the process file-size limit) allows"
        case EACCES, EPERM:
            hint =
                inStaging
                ? " — monitor needs read access to \(jobFolder)/staging"
                : " — monitor needs write access to \(jobFolder) and everything under it but staging/"
        case EROFS:
            hint = " — \(jobFolder) is on a read-only file system"
        case EIO:
            hint = " — the disk reported an I/O error; check the kernel log"
        default:
            hint = ""
        }
        let message = "cannot \(error.operation) \(error.path): \(Self.describe(error.code))\(hint)"
        self = IOFault.isTransient(error.code) ? .postponed(message) : .failed(message)
    }

    /// `no space left on device (ENOSPC)`: the C library's words, and the name to search for.
    static func describe(_ code: Int32) -> String {
        let names: [Int32: String] = [
            ENOSPC: "ENOSPC", EDQUOT: "EDQUOT", EFBIG: "EFBIG", EACCES: "EACCES", EPERM: "EPERM",
            EROFS: "EROFS", EIO: "EIO", ENOENT: "ENOENT", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR",
            EEXIST: "EEXIST", ELOOP: "ELOOP", EMFILE: "EMFILE", ENFILE: "ENFILE", ENOTEMPTY: "ENOTEMPTY",
            EXDEV: "EXDEV", ENAMETOOLONG: "ENAMETOOLONG", EBUSY: "EBUSY",
        ]
        let text = String(cString: strerror(code))
        let sentence = text.prefix(1).lowercased() + text.dropFirst()
        return "\(sentence) (\(names[code] ?? "errno \(code)"))"
    }
}
