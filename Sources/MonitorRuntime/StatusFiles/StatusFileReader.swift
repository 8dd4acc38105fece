import Crypto
import Foundation
import MonitorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a job's `staging/STATUS.json` with a size cap, decodes it strictly and checks the files
/// it lists against the real file system (SPEC §3). Never modifies staging.
public enum StatusFileReader {
    public static let maximumSize = 16 * 1024 * 1024
    public static let settleInterval: TimeInterval = 30

    /// Reads `<jobFolder>/staging/STATUS.json` for `job` and checks every listed file against the real file system:
    /// it exists, is a regular file (lstat: a symlink is refused even if it points inside staging), and no path component
    /// is a symlink or leaves staging (compare realpath of the parent folder with realpath of staging/); also that
    /// STATUS.json itself is a regular file, not a symlink or folder. A listed file that is missing is a problem
    /// (`files[0] "dump.sql.gz" is not in staging/`); a `size` that differs from the file's size on disk is NOT decided
    /// here (the promoter reports it as HASH_MISMATCH), only existence/type/containment.
    ///
    /// The files of a FAILED status file are decoded and validated but not looked for on disk:
    /// nothing is promoted from a failure, and the producer's own message is what the operator needs.
    /// An invalid file modified less than ``settleInterval`` before `now` is `.unsettled`; one
    /// whose modification time is after `now` is judged now (a wrong clock would otherwise hold
    /// it back for as long as the clock is wrong). A temporary fault of this host (``IOFault``)
    /// is `.retry`: nothing is judged.
    public static func read(jobFolder: String, job: String, verify: Verification, now: Date) -> StatusFileReading {
        observe(jobFolder: jobFolder, now: now).reading(job: job, verify: verify, now: now)
    }

    /// The first half of ``read(jobFolder:job:verify:now:)``: the file's bytes and their SHA-256,
    /// or what stopped reading them. A scanner that already processed a file with that hash
    /// (SPEC §4: a status file is processed once) skips decoding and checking it.
    public static func observe(jobFolder: String, now: Date) -> StatusFileObservation {
        let staging = (jobFolder as NSString).appendingPathComponent("staging")
        let path = (staging as NSString).appendingPathComponent(StatusPath.statusFileName)
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .read(.absent) }
            if IOFault.isTransient(code) { return .read(.retry(problem: "cannot read staging/STATUS.json: \(FileSHA256.describe(code))")) }
            return .read(unreadable(path, problem: "cannot read staging/STATUS.json: \(FileSHA256.describe(code))", modifiedAt: now))
        }
        let listedAt = modificationDate(info)
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            break
        case S_IFLNK:
            let target = linkTarget(path).map { " (to \(SafeText.quoted($0)))" } ?? ""
            return .read(
                settled(
                    unreadable(
                        path, problem: "staging/STATUS.json is a symbolic link\(target); monitor reads only a regular file", modifiedAt: listedAt),
                    now: now))
        case S_IFDIR:
            return .read(settled(unreadable(path, problem: "staging/STATUS.json is a folder, not a file", modifiedAt: listedAt), now: now))
        default:
            return .read(
                settled(
                    unreadable(path, problem: "staging/STATUS.json is not a regular file (a FIFO, socket or device)", modifiedAt: listedAt), now: now)
            )
        }
        return readRegularFile(path, staging: staging, now: now, listedAt: listedAt)
    }

    private static func readRegularFile(_ path: String, staging: String, now: Date, listedAt: Date) -> StatusFileObservation {
        let fd: Int32
        do throws(FileSHA256.Failure) {
            fd = try FileSHA256.openRegularFile(path)
        } catch {
            if error.isTransient { return .read(.retry(problem: "cannot read staging/STATUS.json: \(error.reason)")) }
            // Replaced between lstat and open: report what open saw; the next scan sees the rest.
            return .read(settled(unreadable(path, problem: "cannot read staging/STATUS.json: \(error.reason)", modifiedAt: listedAt), now: now))
        }
        defer { close(fd) }
        var info = stat()
        let modifiedAt = fstat(fd, &info) == 0 ? modificationDate(info) : listedAt
        if Int64(info.st_size) > Int64(maximumSize), isRecent(modifiedAt, now: now) {
            return .read(.unsettled(modifiedAt: modifiedAt))  // Still growing, probably: not worth hashing yet.
        }

        var hasher = SHA256()
        var data = Data()
        var total: Int64 = 0
        do throws(FileSHA256.Failure) {
            try FileSHA256.readChunks(fd, path: path) { chunk in
                hasher.update(bufferPointer: chunk)
                total += Int64(chunk.count)
                // Keep at most cap + 1 bytes: enough to know the file is over the cap.
                let room = maximumSize + 1 - data.count
                if room > 0, let start = chunk.baseAddress {
                    data.append(start.assumingMemoryBound(to: UInt8.self), count: min(room, chunk.count))
                }
            }
        } catch {
            if error.isTransient { return .read(.retry(problem: "cannot read staging/STATUS.json: \(error.reason)")) }
            return .read(settled(unreadable(path, problem: "cannot read staging/STATUS.json: \(error.reason)", modifiedAt: modifiedAt), now: now))
        }
        return .bytes(StatusFileBytes(staging: staging, sha256: FileSHA256.hex(hasher.finalize()), data: data, size: total, modifiedAt: modifiedAt))
    }

    /// The second half of ``read(jobFolder:job:verify:now:)``: decodes the bytes strictly and
    /// checks the files they list against staging/.
    static func interpret(_ file: StatusFileBytes, job: String, verify: Verification, now: Date) -> StatusFileReading {
        let (sha256, data, total, modifiedAt, staging) = (file.sha256, file.data, file.size, file.modifiedAt, file.staging)
        if total > Int64(maximumSize) {
            let problem = "staging/STATUS.json is \(mebibytes(total)), over the 16 MiB limit for status files"
            return settled(.invalid(sha256: sha256, modifiedAt: modifiedAt, problem: problem), now: now)
        }

        let report: StatusReport
        switch StatusReportDecoder.decode(data, job: job, verify: verify) {
        case .success(let decoded): report = decoded
        case .failure(let problem): return settled(.invalid(sha256: sha256, modifiedAt: modifiedAt, problem: problem.message), now: now)
        }
        if ClockSanity.isFuture(report.finishedAt, now: now) {
            // Never held back by the settle rule: waiting would not bring the time any closer.
            return .invalid(
                sha256: sha256, modifiedAt: modifiedAt, problem: ClockSanity.futureProblem(field: "finished_at", report.finishedAt, now: now))
        }
        if report.status == .success {
            var checker = StagingFileChecker(staging: staging)
            let problems = report.files.enumerated().compactMap { index, file in checker.problem(with: file.path, index: index) }
            if let transient = checker.transientProblem { return .retry(problem: transient) }
            if !problems.isEmpty {
                return settled(.invalid(sha256: sha256, modifiedAt: modifiedAt, problem: StatusFileProblem(problems: problems).message), now: now)
            }
        }
        return .valid(report, sha256: sha256, bytes: data, modifiedAt: modifiedAt)
    }

    /// `.unsettled` instead of `reading` when the file changed within the settle interval.
    private static func settled(_ reading: StatusFileReading, now: Date) -> StatusFileReading {
        guard case .invalid(_, let modifiedAt, _) = reading, isRecent(modifiedAt, now: now) else { return reading }
        return .unsettled(modifiedAt: modifiedAt)
    }

    private static func isRecent(_ date: Date, now: Date) -> Bool {
        let age = now.timeIntervalSince(date)
        return age >= 0 && age < settleInterval
    }

    /// A fault without readable bytes: the hash is of the path and the problem (not of file
    /// content), so the same fault hashes the same on every scan and is recorded once.
    private static func unreadable(_ path: String, problem: String, modifiedAt: Date) -> StatusFileReading {
        .invalid(sha256: FileSHA256.hex(of: Data("\(path)\n\(problem)".utf8)), modifiedAt: modifiedAt, problem: problem)
    }

    static func modificationDate(_ info: stat) -> Date {
        #if canImport(Darwin)
            let time = info.st_mtimespec
        #else
            let time = info.st_mtim
        #endif
        return Date(timeIntervalSince1970: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9)
    }

    private static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, Int(PATH_MAX))
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func mebibytes(_ bytes: Int64) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}

/// A status file's bytes, read but not yet decoded; see ``StatusFileReader/observe(jobFolder:now:)``.
public struct StatusFileBytes: Sendable {
    let staging: String
    /// Of all the file's bytes.
    public let sha256: String
    /// At most the size cap + 1 bytes.
    let data: Data
    /// The file's size as read.
    let size: Int64
    let modifiedAt: Date
}

/// What ``StatusFileReader/observe(jobFolder:now:)`` found.
public enum StatusFileObservation: Sendable {
    /// Nothing more to read: no file, or a fault already described.
    case read(StatusFileReading)
    /// Bytes to decode, identified by their hash.
    case bytes(StatusFileBytes)

    /// The hash a scan looks up in the ledger.
    public var sha256: String? {
        switch self {
        case .read(let reading): reading.sha256
        case .bytes(let file): file.sha256
        }
    }

    /// The bytes read, when there are any to decode.
    var bytes: StatusFileBytes? {
        if case .bytes(let file) = self { return file }
        return nil
    }

    /// Bytes held in memory.
    public var byteCount: Int {
        if case .bytes(let file) = self { return file.data.count }
        return 0
    }

    /// The full reading: decoded and checked against staging/ now.
    public func reading(job: String, verify: Verification, now: Date) -> StatusFileReading {
        switch self {
        case .read(let reading): reading
        case .bytes(let file): StatusFileReader.interpret(file, job: job, verify: verify, now: now)
        }
    }
}
