#if canImport(Glibc)
    import Glibc
#endif

extension JobFolder {
    /// Deletes the versions beyond the `keep` newest, never the current one nor those in `protecting`.
    ///
    /// A version is first renamed to a temporary name and only then deleted, so that an
    /// interrupted deletion leaves a leftover for ``recover()`` rather than a half-emptied folder
    /// that still looks like a complete version.
    ///
    /// - Returns: the ids deleted, and a warning for each that could not be.
    func applyRetention(keep: Int, protecting: Set<String> = []) -> (deleted: [String], warnings: [String]) {
        let all = completeVersions()
        var kept = Set(all.prefix(max(1, keep))).union(protecting)
        if let current = currentVersionID() { kept.insert(current) }
        guard let versions = try? versions(create: false) else { return ([], []) }
        var deleted: [String] = []
        var warnings: [String] = []
        for id in all where !kept.contains(id) {
            let doomed = VersionName.unique("\(VersionName.temporaryPrefix)delete-\(id)-")
            do {
                try SystemCall.rename(at: versions, id, to: doomed, path: "versions/\(id)")
                deleted.append(id)
                try SystemCall.removeTree(at: versions, doomed, path: "versions/\(doomed)")
            } catch {
                warnings.append(
                    "could not delete old version versions/\(id) (keep_versions \(keep)): "
                        + "cannot \(error.operation) \(error.path): \(PromotionFailure.describe(error.code))")
            }
        }
        if !deleted.isEmpty { try? SystemCall.flush(versions, path: "versions/") }
        return (deleted, warnings)
    }
}
