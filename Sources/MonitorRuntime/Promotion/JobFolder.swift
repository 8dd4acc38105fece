import Foundation
import MonitorCore

#if canImport(Glibc)
    import Glibc
#endif

/// An open, locked job folder `<destination>/<job>/`: its `versions/` and `current_version`.
///
/// The lock is `flock(2)` on the job folder itself, held until the value is released. It makes
/// two processes (a daemon and a one-off `monitor scan`) take turns on one job, so that recovery
/// never deletes the temporary folder of a promotion still running; the kernel drops it when a
/// process dies, which is what lets the next scan clean up after a kill.
final class JobFolder {
    let path: String
    let fd: Int32
    private var versionsFD: Int32?
    /// Version ids after this one are dated after the clock allows (``ClockSanity``): left by
    /// a status file from before that rule, they rank below every believable version, so they
    /// never stay current nor push real ones out by retention.
    let futureCutoff: String
    /// Flush `versions/` when it is created and `current_version` when it is switched; false in a
    /// batch of promotions, which flushes the whole file system after its switches instead.
    var flushesNow = true

    /// Opens and locks `path`, waiting for another promotion of the same job to finish.
    ///
    /// - Returns: nil when the folder does not exist.
    static func open(_ path: String, now: Date) throws(PromotionFailure) -> JobFolder? {
        let fd = openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw PromotionFailure(SystemCallError(operation: "open", path: path, code: errno), jobFolder: path)
        }
        // A file system without locks (some NFS setups) still gets promotions, just without the
        // guard against two monitor processes working on one job at once.
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        let cutoff = VersionName.make(finishedAt: now.addingTimeInterval(ClockSanity.tolerance), statusSHA256: "ffffffff")
        return JobFolder(path: path, fd: fd, futureCutoff: cutoff)
    }

    private init(path: String, fd: Int32, futureCutoff: String) {
        self.path = path
        self.fd = fd
        self.futureCutoff = futureCutoff
    }

    /// The device number of the file system holding the folder.
    var device: UInt64 {
        var info = stat()
        return fstat(fd, &info) == 0 ? UInt64(info.st_dev) : 0
    }

    /// Whether `a` is a newer version than `b`: by id (UTC time, then digest), except that an id
    /// from the future ranks below every other.
    func isNewer(_ a: String, than b: String) -> Bool {
        let (aFuture, bFuture) = (a > futureCutoff, b > futureCutoff)
        return aFuture == bFuture ? a > b : bFuture
    }

    deinit {
        if let versionsFD { close(versionsFD) }
        close(fd)
    }

    /// `versions/`, created when `create` is set and it is missing; nil when missing otherwise.
    func versions(create: Bool) throws(PromotionFailure) -> Int32? {
        if let versionsFD { return versionsFD }
        let name = VersionName.versionsFolder
        do {
            if let info = try SystemCall.status(at: fd, name, path: "\(name)/") {
                guard SystemCall.isFolder(info) else {
                    throw PromotionFailure.failed("\(path)/\(name) exists but is not a folder; move it away so that monitor can keep versions there")
                }
            } else if create {
                try SystemCall.makeFolder(at: fd, name, path: "\(name)/")
                if flushesNow { try SystemCall.flush(fd, path: path) }
            } else {
                return nil
            }
            let opened = try SystemCall.openFolder(at: fd, name, path: "\(name)/")
            versionsFD = opened
            return opened
        } catch let error as SystemCallError {
            throw PromotionFailure(error, jobFolder: path)
        } catch let error as PromotionFailure {
            throw error
        } catch {
            throw PromotionFailure.failed("\(path)/\(name): \(error)")
        }
    }

    /// The id of the version `current_version` resolves to.
    func currentVersionID() -> String? { Self.currentVersionID(in: fd) }

    /// The id of the version `current_version` in the folder `jobFD` resolves to: the link's last
    /// component must be a version id, and the link must lead to that very folder under `versions/`.
    static func currentVersionID(in jobFD: Int32) -> String? {
        guard let target = SystemCall.linkTarget(at: jobFD, VersionName.currentLink) else { return nil }
        guard let id = target.split(separator: "/").last.map(String.init), VersionName.isVersionID(id) else { return nil }
        var viaLink = stat()
        var version = stat()
        guard fstatat(jobFD, VersionName.currentLink, &viaLink, 0) == 0,
            fstatat(jobFD, "\(VersionName.versionsFolder)/\(id)", &version, AT_SYMLINK_NOFOLLOW) == 0,
            SystemCall.isFolder(version), viaLink.st_dev == version.st_dev, viaLink.st_ino == version.st_ino
        else { return nil }
        return id
    }

    /// Points `current_version` at `versions/<id>` in one step: a new link under a temporary
    /// name replaces the old one with rename(2), so a reader sees the old version or the new one,
    /// never nothing. Flushed unless ``flushesNow`` is off.
    func makeCurrent(_ id: String) throws(PromotionFailure) {
        let temporary = VersionName.unique(VersionName.temporaryLinkPrefix)
        guard symlinkat("\(VersionName.versionsFolder)/\(id)", fd, temporary) == 0 else {
            throw PromotionFailure(SystemCallError(operation: "create", path: temporary, code: errno), jobFolder: path)
        }
        guard renameat(fd, temporary, fd, VersionName.currentLink) == 0 else {
            let code = errno
            unlinkat(fd, temporary, 0)
            if code == EISDIR || code == ENOTEMPTY {
                throw PromotionFailure.failed(
                    """
                    \(path)/current_version is a folder, not the symbolic link monitor manages; versions/\(id) \
                    is complete but could not be made current — move current_version away
                    """)
            }
            throw PromotionFailure(SystemCallError(operation: "replace", path: VersionName.currentLink, code: code), jobFolder: path)
        }
        guard flushesNow else { return }
        do {
            try SystemCall.flush(fd, path: path)
        } catch {
            throw PromotionFailure(error, jobFolder: path)
        }
    }

    /// Makes `id` current when it is newer than the current version (or there is none).
    ///
    /// - Returns: whether `current_version` now points at `id`.
    func makeCurrentIfNewer(_ id: String) throws(PromotionFailure) -> Bool {
        if let current = currentVersionID(), current == id || isNewer(current, than: id) { return current == id }
        try makeCurrent(id)
        return true
    }

    /// Ids of the complete versions — folders named like a version id that hold `STATUS.json` — newest first.
    func completeVersions() -> [String] {
        guard let versions = try? versions(create: false),
            let names = try? SystemCall.entries(of: versions, path: "\(VersionName.versionsFolder)/")
        else { return [] }
        return names.filter { name in
            guard VersionName.isVersionID(name),
                let folder = try? SystemCall.status(at: versions, name, path: name), SystemCall.isFolder(folder),
                let status = try? SystemCall.status(at: versions, "\(name)/\(VersionName.statusFile)", path: name)
            else { return false }
            return SystemCall.isRegularFile(status)
        }.sorted(by: isNewer)
    }
}
