import Foundation
import Logging
import MonitorCore
import MonitorStore

#if canImport(Glibc)
    import Glibc
#endif

/// One version's check within a scrub: its folder, its kept `STATUS.json`, then each recorded
/// file, with what was checked written to the state at least every second (and when it stops),
/// so that a stop or a crash loses at most a second of work.
struct VersionCheck {
    let target: ScrubTarget
    let active: ActiveJob
    let policy: AlertPolicy
    let store: StateStore
    let reader: VersionFileReader
    /// Skip the files the current round has checked already (the daemon); `verify` reads all.
    let resume: Bool
    let deadline: ContinuousClock.Instant?
    let clock: @Sendable () -> Date
    let logger: Logger

    enum Ending: Equatable {
        /// Every file was checked: the round of this version is over (intact or CORRUPTED).
        case complete
        /// Its folder was removed by retention; the version is marked deleted.
        case gone
        /// It was verified in place, in staging (`promote: none`), and is not read: the producer
        /// replaces it at its next run, so there is nothing of the monitor's to check. Its round
        /// is recorded as over, so that it never counts as overdue.
        case inPlace
        /// A fault of this host stopped the check; it resumes later.
        case postponed(String)
        case stopped
        case outOfTime
    }

    /// How often progress is written while a version is being read.
    static let flushInterval: Duration = .seconds(1)

    private var version: VersionRecord { target.version }
    private var label: String { "versions/\(version.id)" }
    /// Where the version is now: under the job's folder on its destination as applied (the same
    /// place promotion wrote it, unless the destination was moved, data and configuration alike).
    private var folderPath: String { (active.folder as NSString).appendingPathComponent(label) }

    func run(summary: inout ScrubSummary, checkedAnything: inout Bool) throws(StoreError) -> Ending {
        var state = Progress(ScrubProgress(job: target.job, versionID: version.id))
        defer {
            if !state.problems.isEmpty {
                let corrupted = CorruptedVersion(id: version.id, reason: ScrubCheck.reason(state.problems))
                summary.corrupted.append((target.job, corrupted))
                logger.error(
                    "version CORRUPTED",
                    metadata: ["job": "\(target.job)", "version": "\(version.id)", "path": "\(folderPath)", "reason": "\(corrupted.reason)"])
            }
        }
        if Promoter.isInPlace(version) {
            state.progress.complete = true
            try flush(&state)
            return .inPlace
        }
        // An unmounted destination says nothing about the versions on it (the scan reports it).
        guard FileManager.default.fileExists(atPath: active.destination.path) else {
            return .postponed("destination \(active.destination.path) is not there (not mounted?)")
        }
        let folder = open(folderPath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else {
            let code = errno
            switch code {
            case ENOENT:
                return try folderGone(&state)
            case ELOOP, ENOTDIR:
                state.problems.append("the version folder \(folderPath) is not a folder any more")
            default:
                if IOFault.isTransient(code) && code != EIO { return .postponed("\(folderPath): \(String(cString: strerror(code)))") }
                state.problems.append("the version folder \(folderPath) cannot be opened (\(String(cString: strerror(code))))")
            }
            state.progress.complete = true
            try flush(&state)
            return .complete
        }
        defer { close(folder) }

        let status = StatusCheck.read(in: folder, expected: version.statusSHA256)
        if let problem = status.problem { state.problems.append(problem) }
        var recorded = try store.recordedFiles(job: target.job, versionID: version.id)
        if recorded.isEmpty {
            // Promoted before files were recorded: the kept STATUS.json (when it is the one
            // promoted) lists them; its list is recorded so that later checks compare with it.
            switch status.listing(job: active.job.name, folder: folder) {
            case .success(let files):
                try store.recordFiles(job: target.job, versionID: version.id, files: files)
                recorded = try store.recordedFiles(job: target.job, versionID: version.id)
                logger.info(
                    "recorded the files of an older version from its STATUS.json",
                    metadata: ["job": "\(target.job)", "version": "\(version.id)", "files": "\(files.count)"])
            case .failure(let problem):
                state.problems.append("its files cannot be checked: \(problem)")
                state.progress.complete = true
                try flush(&state)
                return .complete
            }
        }
        for entry in recorded where !(resume && entry.checkedInRound) {
            if reader.stop.isRaised {
                try flush(&state)
                return .stopped
            }
            if let deadline, checkedAnything, ContinuousClock.now >= deadline {
                try flush(&state)
                return .outOfTime
            }
            switch reader.read(entry.file.path, in: folder, bytes: &summary.bytesRead) {
            case .stopped:
                try flush(&state)
                return .stopped
            case .retry(let reason):
                try flush(&state)
                return .postponed("\(label)/\(entry.file.path): \(reason)")
            case .observed(let observation):
                if observation == .missing, Self.isReplaced(folder, path: folderPath) {
                    // The whole folder went away while it was being read (retention, or by hand).
                    try flush(&state)
                    return try folderGone(&state)
                }
                checkedAnything = true
                summary.filesChecked += 1
                state.progress.checked.append(entry.file.path)
                if let problem = ScrubCheck.problem(with: entry.file, observed: observation) {
                    state.problems.append(problem)
                } else if entry.file.sha256 == nil, case .read(_, let sha256) = observation {
                    state.progress.baselines[entry.file.path] = sha256
                }
                if ContinuousClock.now - state.lastFlush >= Self.flushInterval { try flush(&state) }
            }
        }
        state.progress.complete = true
        try flush(&state)
        return .complete
    }

    /// What a check carries between writes.
    private struct Progress {
        var progress: ScrubProgress
        var problems: [String] = []
        /// Problems already written with the version's mark in this run, and the reason written.
        var problemsWritten = 0
        var writtenReason: String?
        var lastFlush = ContinuousClock.now

        init(_ progress: ScrubProgress) { self.progress = progress }
    }

    /// Writes what was checked since the last write, and the corruption with its notifications
    /// when new problems were found (a fuller reason replaces the one this run wrote before).
    private func flush(_ state: inout Progress) throws(StoreError) {
        if state.problems.count > state.problemsWritten {
            let corrupted = CorruptedVersion(id: version.id, reason: ScrubCheck.reason(state.problems))
            state.progress.corruption = corrupted.reason
            state.progress.replacing = state.writtenReason
            state.writtenReason = corrupted.reason
            state.progress.notifications = policy.corruption(of: [corrupted], now: clock())
        }
        try store.recordScrub(state.progress, at: clock())
        state.problemsWritten = state.problems.count
        state.progress = ScrubProgress(job: target.job, versionID: version.id)
        state.lastFlush = ContinuousClock.now
    }

    /// The version folder is gone. Retention removes a version only when at least
    /// `keep_versions` newer complete versions remain, so with fewer the folder was deleted or
    /// moved by hand: CORRUPTED. Otherwise the ledger had not caught up with retention.
    private func folderGone(_ state: inout Progress) throws(StoreError) -> Ending {
        if let job = try? JobFolder.open(active.folder, now: clock()) {
            let newer = job.completeVersions().filter { job.isNewer($0, than: version.id) }.count
            if newer >= active.destination.keepVersions {
                try store.markVersionDeleted(job: target.job, versionID: version.id, at: clock())
                logger.info("version removed by retention", metadata: ["job": "\(target.job)", "version": "\(version.id)"])
                return .gone
            }
        }
        state.problems.append("the version folder \(folderPath) is missing: it was deleted or moved outside monitor")
        state.progress.complete = true
        try flush(&state)
        return .complete
    }

    /// Whether the folder open as `fd` is no longer the one at `path` (removed, or renamed away).
    private static func isReplaced(_ fd: Int32, path: String) -> Bool {
        var open = stat()
        var now = stat()
        guard fstat(fd, &open) == 0 else { return true }
        guard stat(path, &now) == 0 else { return true }
        return open.st_dev != now.st_dev || open.st_ino != now.st_ino
    }
}
