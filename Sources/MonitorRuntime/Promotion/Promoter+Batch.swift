import Foundation
import Logging
import MonitorCore

#if canImport(Glibc)
    import Glibc
#endif

/// One promotion of a batch (``Promoter/promote(_:logger:now:)``): the arguments of
/// ``Promoter/promote(report:statusBytes:jobFolder:versionID:keepVersions:mode:logger:now:)``.
public struct PromotionRequest: Sendable {
    public var report: StatusReport
    public var statusBytes: Data
    public var jobFolder: String
    public var versionID: String
    public var keepVersions: Int?
    public var mode: PromotionMode

    public init(
        report: StatusReport, statusBytes: Data, jobFolder: String, versionID: String, keepVersions: Int? = nil, mode: PromotionMode = .copy
    ) {
        self.report = report
        self.statusBytes = statusBytes
        self.jobFolder = jobFolder
        self.versionID = versionID
        self.keepVersions = keepVersions
        self.mode = mode
    }
}

/// A step of a batch of promotions, in the order it was taken; for tests of that order.
enum PromotionStep: Sendable, Hashable {
    /// The files of the version were copied into its temporary folder (or it was found already promoted).
    case staged(jobFolder: String)
    /// The file system with this device number was flushed to disk.
    case flushed(device: UInt64)
    /// The version was renamed into place and `current_version` switched when it is the newest.
    case installed(jobFolder: String)
}

extension Promoter {
    /// How many promotions of a batch are held staged at once: each holds its job folder open
    /// and locked (two descriptors), so a batch of thousands still fits a 1,024-descriptor limit.
    static let stagedAtOnce = 128

    /// Promotes several status files, as many single promotions would, but with the flushes of
    /// the whole batch shared: every version is first copied, hashed and checked into its
    /// temporary folder without flushing anything; then each file system holding one is flushed
    /// once (`syncfs(2)`); only then is each renamed into place and `current_version` switched;
    /// and the file systems are flushed once more before this returns. So a crash at any moment
    /// leaves each `current_version` on a complete, flushed version, and whatever the caller
    /// records after this returns is on disk — at the cost of two flushes per batch instead of
    /// one per file and folder.
    ///
    /// A request that fails fails alone, with the result a single promotion would have; a
    /// failed flush fails (or postpones, once versions are in place) the promotions it would have
    /// made safe. Requests for the same job folder are served in order (the second after the
    /// first is installed).
    ///
    /// - Returns: one result per request, in their order.
    public func promote(_ requests: [PromotionRequest], logger: Logger? = nil, now: Date = Date()) -> [PromotionResult] {
        guard requests.count >= sharedFlushMinimum else {
            return requests.map {
                promote(
                    report: $0.report, statusBytes: $0.statusBytes, jobFolder: $0.jobFolder, versionID: $0.versionID,
                    keepVersions: $0.keepVersions, mode: $0.mode, logger: logger, now: now)
            }
        }
        var results = [PromotionResult?](repeating: nil, count: requests.count)
        var staged: [(index: Int, job: JobFolder, promotion: Promotion, staged: Promotion.Staged)] = []
        var held: Set<FolderIdentity> = []

        func installStaged() {
            defer {
                staged.removeAll()
                held.removeAll()
            }
            guard !staged.isEmpty else { return }
            // 1. Every staged file and folder on disk before any version takes its name.
            let failures = flushFileSystems(of: staged.map(\.job))
            var installed: [(index: Int, job: JobFolder, version: PromotedVersion)] = []
            for entry in staged {
                if let failure = failures[entry.job.device] {
                    entry.promotion.discard(entry.staged)
                    results[entry.index] = failure.result
                    continue
                }
                do throws(PromotionFailure) {
                    let version = try entry.promotion.install(entry.staged)
                    step?(.installed(jobFolder: entry.job.path))
                    installed.append((entry.index, entry.job, version))
                } catch {
                    results[entry.index] = error.result
                }
            }
            // 2. The renames and switches on disk before the caller records any of them. A version
            // in place but maybe not on disk is postponed: the next scan finds it and reuses it.
            let late = flushFileSystems(of: installed.map(\.job))
            for entry in installed {
                if let failure = late[entry.job.device] {
                    results[entry.index] = .postponed(message: failure.message)
                } else {
                    results[entry.index] = .promoted(entry.version)
                }
            }
        }

        for (index, request) in requests.enumerated() {
            guard VersionName.isVersionID(request.versionID) else {
                results[index] = .failed(message: "\"\(request.versionID)\" is not a version id (like 20261124T011745Z-9f86d0c1)")
                continue
            }
            // Locking a job folder this batch already holds would wait for ever: install first.
            let identity = FolderIdentity(path: request.jobFolder)
            if let identity, held.contains(identity) { installStaged() }
            do throws(PromotionFailure) {
                guard let job = try JobFolder.open(request.jobFolder, now: now) else {
                    results[index] = .failed(message: "the job folder \(request.jobFolder) does not exist")
                    continue
                }
                job.flushesNow = false
                var promotion = Promotion(
                    report: request.report, statusBytes: request.statusBytes, versionID: request.versionID,
                    keepVersions: request.keepVersions, job: job, mode: request.mode, makeLink: makeLink)
                promotion.flushesNow = false
                let version = try promotion.stage()
                logRefusal(of: version.version, jobFolder: request.jobFolder, logger: logger, now: now)
                if version.inPlace {
                    results[index] = .promoted(version.version)
                    continue
                }
                step?(.staged(jobFolder: request.jobFolder))
                staged.append((index, job, promotion, version))
                if let identity { held.insert(identity) }
            } catch {
                results[index] = error.result
            }
            if staged.count >= Self.stagedAtOnce { installStaged() }
        }
        installStaged()
        return results.map { $0 ?? .failed(message: "not promoted") }
    }

    /// Flushes each file system holding one of `jobs` once.
    ///
    /// - Returns: the failure of each file system (by device) that could not be flushed.
    private func flushFileSystems(of jobs: [JobFolder]) -> [UInt64: PromotionFailure] {
        var failures: [UInt64: PromotionFailure] = [:]
        var done: Set<UInt64> = []
        for job in jobs where done.insert(job.device).inserted {
            if let code = KernelCalls.flushFileSystem(of: job.fd) {
                // Without syncfs(2) (or where it is refused), sync(2) flushes every file system.
                if code == ENOSYS || code == EINVAL {
                    sync()
                } else {
                    failures[job.device] = PromotionFailure(
                        SystemCallError(operation: "flush to disk", path: "the file system holding \(job.path)", code: code),
                        jobFolder: job.path)
                    continue
                }
            }
            step?(.flushed(device: job.device))
        }
        return failures
    }
}

/// A folder by device and inode, so that two spellings of one job folder are known to be one.
private struct FolderIdentity: Hashable {
    let device: UInt64
    let inode: UInt64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
