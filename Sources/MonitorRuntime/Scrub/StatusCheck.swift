import Foundation
import MonitorCore

#if canImport(Glibc)
    import Glibc
#endif

/// The `STATUS.json` kept in a version folder, checked against the SHA-256 of the status file
/// that was promoted (the ledger keeps it), and read for its list of files when the ledger has
/// none (versions promoted before files were recorded).
struct StatusCheck {
    /// The file's bytes, when it could be read.
    let data: Data?
    /// What is wrong with it, if anything.
    let problem: String?

    static func read(in folder: Int32, expected sha256: String) -> StatusCheck {
        let name = VersionName.statusFile
        let fd = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return StatusCheck(
                data: nil, problem: code == ENOENT ? "\(name): missing" : "\(name): cannot be read (\(String(cString: strerror(code))))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, SystemCall.isRegularFile(info) else {
            return StatusCheck(data: nil, problem: "\(name): not the regular file that was promoted")
        }
        guard Int64(info.st_size) <= Int64(StatusFileReader.maximumSize) else {
            return StatusCheck(data: nil, problem: "\(name): content changed (it is \(info.st_size) bytes, over any status file's size)")
        }
        var data = Data(count: Int(info.st_size) + 1)
        var filled = 0
        var failure: Int32?
        data.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) in
            while filled < buffer.count {
                let count = Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if count == 0 { return }
                filled += count
            }
        }
        if let failure { return StatusCheck(data: nil, problem: "\(name): cannot be read (\(String(cString: strerror(failure))))") }
        data.count = filled
        let actual = FileSHA256.hex(of: data)
        guard actual == sha256.lowercased() else {
            return StatusCheck(
                data: data, problem: "\(name): content changed (SHA-256 \(actual.prefix(16))… where \(sha256.prefix(16))… was recorded at promotion)")
        }
        return StatusCheck(data: data, problem: nil)
    }

    /// The files the promoted status file listed, with the sizes it gave (or, when it gave none,
    /// the size found now) and its hashes; or why they cannot be known.
    func listing(job: String, folder: Int32) -> Result<[VersionFile], ListingProblem> {
        guard let data, problem == nil else {
            return .failure(ListingProblem(message: "the kept STATUS.json that lists them is not the one promoted"))
        }
        switch StatusReportDecoder.decode(data, job: job, verify: .none) {
        case .failure(let problem):
            return .failure(ListingProblem(message: "the kept STATUS.json cannot be read as a status file (\(problem.message))"))
        case .success(let report):
            return .success(
                report.files.map { file in
                    var info = stat()
                    let size = file.size ?? (fstatat(folder, file.path, &info, AT_SYMLINK_NOFOLLOW) == 0 ? Int64(info.st_size) : 0)
                    return VersionFile(path: file.path, size: size, sha256: file.sha256)
                })
        }
    }

    struct ListingProblem: Error {
        let message: String
    }
}

extension StatusCheck.ListingProblem: CustomStringConvertible {
    var description: String { message }
}
