#if canImport(Glibc)
    import Glibc
#endif

extension JobFolder {
    /// Cleans up after promotions that were interrupted (a crash, a kill, a power cut) and
    /// repairs `current_version`; see ``Promoter/recover(jobFolder:)``.
    ///
    /// Safe to call at any time: the job lock is held, so no promotion is running.
    func recover() -> [String] {
        var actions = removeLeftovers()
        actions += removeTemporaryLinks()
        if let repair = repairCurrent() { actions.append(repair) }
        return actions
    }

    /// Temporary folders under `versions/`: copies that never reached their rename, and old
    /// versions whose deletion stopped midway.
    private func removeLeftovers() -> [String] {
        let label = "\(VersionName.versionsFolder)/"
        guard let versions = try? versions(create: false) else { return [] }
        let names: [String]
        do {
            names = try SystemCall.entries(of: versions, path: label)
        } catch {
            return ["could not list \(path)/\(label): \(PromotionFailure.describe(error.code))"]
        }
        var actions: [String] = []
        for name in names.sorted() where name.hasPrefix(VersionName.temporaryPrefix) {
            do {
                try SystemCall.removeTree(at: versions, name, path: label + name)
                actions.append("removed \(label)\(name), left by an interrupted promotion")
            } catch {
                actions.append(
                    "could not remove \(label)\(name), left by an interrupted promotion: "
                        + "cannot \(error.operation) \(error.path): \(PromotionFailure.describe(error.code))")
            }
        }
        if !actions.isEmpty { try? SystemCall.flush(versions, path: label) }
        return actions
    }

    /// A link made to replace `current_version` whose rename never happened.
    private func removeTemporaryLinks() -> [String] {
        guard let names = try? SystemCall.entries(of: fd, path: path) else { return [] }
        var actions: [String] = []
        for name in names.sorted() where name.hasPrefix(VersionName.temporaryLinkPrefix) {
            if unlinkat(fd, name, 0) == 0 {
                actions.append("removed \(name), a link left by an interrupted switch of current_version")
            } else {
                actions.append("could not remove \(path)/\(name): \(PromotionFailure.describe(errno))")
            }
        }
        return actions
    }

    /// Points `current_version` at the newest complete version when it is missing or leads nowhere.
    private func repairCurrent() -> String? {
        guard currentVersionID() == nil else { return nil }
        let existing = try? SystemCall.status(at: fd, VersionName.currentLink, path: VersionName.currentLink)
        if let existing, !SystemCall.isSymbolicLink(existing) {
            return "\(path)/current_version is not a symbolic link; left alone — move it away so that monitor can manage it"
        }
        let target = SystemCall.linkTarget(at: fd, VersionName.currentLink)
        let was = target.map { "pointed at \($0), which is not a complete version" } ?? "was missing"
        guard let newest = completeVersions().first else {
            return target == nil ? nil : "current_version \(was), and there is no complete version to point it at; left alone"
        }
        do {
            try makeCurrent(newest)
            return "current_version \(was); now points at versions/\(newest)"
        } catch {
            return "current_version \(was); could not point it at versions/\(newest): \(error.message)"
        }
    }
}
