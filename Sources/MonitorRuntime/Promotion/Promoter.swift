import Foundation
import Logging
import MonitorCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Promotion (SPEC §5): copies a verified backup from `staging/` into `versions/<id>/` and makes
/// it `current_version`, so that a reader never sees a partial or mixed version and a crash at
/// any moment leaves the previous version current.
///
/// Every method is synchronous and blocking (disk I/O, and waiting for another process's
/// promotion of the same job): call it off the cooperative thread pool for long copies.
public struct Promoter: Sendable {
    /// Which file systems have had their refusal of hard links logged in the current scan.
    private let refusalsLogged = RefusalLog()
    /// How `link_unchanged` makes a hard link: `linkat(2)`, or a stand-in in tests.
    let makeLink: (@Sendable (Int32, String, Int32, String) -> Int32)?
    /// Told each step of a batch of promotions as it is taken (``promote(_:logger:now:)``): for tests of their order.
    let step: (@Sendable (PromotionStep) -> Void)?
    /// The fewest promotions a batch shares its flushes for (``promote(_:logger:now:)``); below
    /// it each is flushed on its own.
    let sharedFlushMinimum: Int

    /// A flush of a whole file system (`syncfs`) also waits for everything else written there —
    /// other producers' backups landing in `staging/`, say — so it pays only for many new
    /// versions at once (a first scan, a catch-up); a scan with a few flushes their files alone.
    public static let sharedFlushMinimum = 16

    public init() {
        makeLink = nil
        step = nil
        sharedFlushMinimum = Self.sharedFlushMinimum
    }

    /// A promoter whose hard links (`link_unchanged`) are made by `makeLink` (arguments as
    /// `linkat(2)`'s first four): for tests of what happens when a file system refuses them.
    init(makeLink: @escaping @Sendable (Int32, String, Int32, String) -> Int32) {
        self.makeLink = makeLink
        step = nil
        sharedFlushMinimum = Self.sharedFlushMinimum
    }

    /// A promoter that tells `step` each step of a batch of promotions, and shares the flushes of
    /// any batch (`sharedFlushMinimum`, default 1), however small.
    init(sharedFlushMinimum: Int = 1, step: @escaping @Sendable (PromotionStep) -> Void) {
        makeLink = nil
        self.step = step
        self.sharedFlushMinimum = sharedFlushMinimum
    }

    /// `20261124T011745Z-9f86d0c1`: UTC finished_at (seconds) + first 8 hex of the status file's SHA-256.
    ///
    /// Ids sort chronologically as strings, which is how "newer" is decided.
    public static func versionID(finishedAt: Date, statusSHA256: String) -> String {
        VersionName.make(finishedAt: finishedAt, statusSHA256: statusSHA256)
    }

    /// Copies `report.files` from `<jobFolder>/staging/` into a temporary folder under
    /// `<jobFolder>/versions/` (two files at a time; each chunk read once from staging, hashed on
    /// another thread while it is written from the same buffer; where the file system can clone,
    /// cloned and then read once to hash it), checks sizes and SHA-256s,
    /// keeps `statusBytes` as `STATUS.json`, flushes everything and renames the folder to
    /// `versions/<versionID>`. Then, if `versionID` is newer than the current version (or there
    /// is none), switches `current_version` atomically, and deletes the versions beyond the
    /// `keepVersions` newest (never the current one); with `keepVersions` nil the caller applies
    /// retention itself (``applyRetention(jobFolder:keep:protecting:now:)``), once the run is judged.
    ///
    /// A version already promoted under `versionID` with these very `statusBytes` (a scan that
    /// stopped before recording it) is reused. Staging is never modified; sources are opened
    /// without following symbolic links, and anything but a regular file is refused.
    ///
    /// - Returns: `.promoted`; `.mismatch` when a file's size or SHA-256 is not what the report
    ///   says; `.failed` with a message for the operator on any I/O error. In the last two cases
    ///   nothing is left behind and nothing already promoted is touched.
    /// `now` is the scan's clock: versions dated after it (``ClockSanity``) never rank newest.
    ///
    /// `mode` (SPEC §14): with `.linkUnchanged`, a file whose size and SHA-256 equal a file of the
    /// current version is read and hashed in staging, then hard-linked from that version instead
    /// of copied, and the new version is made read-only (files 0444, folders 0555); where the file
    /// system refuses a link the file is copied, and `logger` hears it once per scan (per `now`)
    /// and file system. With `.none`, the files are verified in staging and nothing is copied:
    /// the version returned lives at ``inPlacePath(jobFolder:)`` and is never current.
    public func promote(
        report: StatusReport, statusBytes: Data, jobFolder: String, versionID: String, keepVersions: Int?,
        mode: PromotionMode = .copy, logger: Logger? = nil, now: Date = Date()
    ) -> PromotionResult {
        guard VersionName.isVersionID(versionID) else {
            return .failed(message: "\"\(versionID)\" is not a version id (like 20261124T011745Z-9f86d0c1)")
        }
        do {
            guard let job = try JobFolder.open(jobFolder, now: now) else {
                return .failed(message: "the job folder \(jobFolder) does not exist")
            }
            let promotion = Promotion(
                report: report, statusBytes: statusBytes, versionID: versionID,
                keepVersions: keepVersions, job: job, mode: mode, makeLink: makeLink)
            let version = try promotion.run()
            logRefusal(of: version, jobFolder: jobFolder, logger: logger, now: now)
            return .promoted(version)
        } catch {
            return error.result
        }
    }

    /// Logs, once per scan and file system, that hard links were refused and files copied instead.
    func logRefusal(of version: PromotedVersion, jobFolder: String, logger: Logger?, now: Date) {
        if let refusal = version.linkRefusal, let logger, refusalsLogged.isFirst(jobFolder: jobFolder, now: now) {
            logger.warning(
                "hard links refused; unchanged files copied instead (promote: link_unchanged)",
                metadata: ["job_folder": "\(jobFolder)", "version": "\(version.id)", "problem": "\(refusal)"])
        }
    }

    /// Deletes the versions beyond the `keep` newest, never the current one nor those in
    /// `protecting` (the newest good version, which retention must not lose to SUSPICIOUS ones).
    ///
    /// - Returns: the ids deleted, and a warning for each version that could not be.
    public func applyRetention(jobFolder: String, keep: Int, protecting: Set<String> = [], now: Date = Date()) -> (
        deleted: [String], warnings: [String]
    ) {
        do {
            return try JobFolder.open(jobFolder, now: now)?.applyRetention(keep: keep, protecting: protecting) ?? ([], [])
        } catch {
            return ([], ["could not open \(jobFolder) to apply keep_versions: \(error.message)"])
        }
    }

    /// Removes leftovers of interrupted promotions (temporary folders under `versions/`, a
    /// temporary link beside `current_version`) and repairs `current_version` when it is missing
    /// or leads nowhere while complete versions exist, pointing it at the newest one.
    ///
    /// Call it before promoting into a job folder (the scanner does, for every job, every scan).
    ///
    /// - Returns: what it did, one sentence each, for the log; empty when there was nothing to do.
    public func recover(jobFolder: String, now: Date = Date()) -> [String] {
        do {
            return try JobFolder.open(jobFolder, now: now)?.recover() ?? []
        } catch {
            return ["could not open \(jobFolder) to clean up after interrupted promotions: \(error.message)"]
        }
    }

    /// Where a version verified in place (`promote: none`) lives: the job's `staging/` folder.
    public static func inPlacePath(jobFolder: String) -> String {
        URL(fileURLWithPath: jobFolder).appendingPathComponent(VersionName.stagingFolder).standardizedFileURL.path
    }

    /// Whether `version` was verified in place (`promote: none`) rather than copied into
    /// `versions/<id>/`: its recorded place is a staging folder. Such a version is not the
    /// monitor's to keep: the producer replaces it with its next run, so the scrub passes it over.
    public static func isInPlace(_ version: VersionRecord) -> Bool {
        (version.path as NSString).lastPathComponent == VersionName.stagingFolder
    }

    /// The id of the version `current_version` resolves to, if any.
    public func currentVersionID(jobFolder: String) -> String? {
        // Reading a link needs no lock: it is replaced atomically.
        let fd = open(jobFolder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return JobFolder.currentVersionID(in: fd)
    }
}

/// The file systems (by device) whose refusal of hard links was logged during the scan at `now`:
/// a scan warns once per file system, not once per file or job.
private final class RefusalLog: Sendable {
    private let state = Mutex<(now: Date?, devices: Set<UInt64>)>((nil, []))

    func isFirst(jobFolder: String, now: Date) -> Bool {
        var info = stat()
        let device = stat(jobFolder, &info) == 0 ? UInt64(info.st_dev) : 0
        return state.withLock { state in
            if state.now != now { state = (now, []) }
            return state.devices.insert(device).inserted
        }
    }
}
