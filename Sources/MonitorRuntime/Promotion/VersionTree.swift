import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The folders of a version being built in its temporary folder, created on demand (for paths
/// like `globals/roles.sql`) and kept open so that each can be flushed before the rename.
///
/// Files are copied into it from two threads at once (see ``FileCopies``), hence the lock.
final class VersionTree: @unchecked Sendable {
    /// How paths inside the tree are named in messages: `versions/<id>`, the name the operator will see.
    let label: String
    /// The temporary folder itself; only valid before ``close()``.
    let root: Int32
    private var folders: [String: Int32]
    private let lock = NSLock()

    /// Takes ownership of `root`, the open temporary folder.
    init(root: Int32, label: String) {
        self.label = label
        self.root = root
        folders = ["": root]
    }

    deinit { close() }

    /// The open folder that will hold `path` (a normalized relative path), and the file's own name.
    func parent(of path: String) throws(SystemCallError) -> (folder: Int32, name: String) {
        lock.lock()
        defer { lock.unlock() }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var folder = root
        var relative = ""
        for part in parts.dropLast() {
            relative = relative.isEmpty ? part : "\(relative)/\(part)"
            if let open = folders[relative] {
                folder = open
                continue
            }
            try SystemCall.makeFolder(at: folder, part, path: "\(label)/\(relative)")
            folder = try SystemCall.openFolder(at: folder, part, path: "\(label)/\(relative)")
            folders[relative] = folder
        }
        return (folder, parts.last ?? path)
    }

    /// Flushes every folder's entries to disk, so that after the rename no file can be missing
    /// from the version however the machine stops.
    func flush() throws(SystemCallError) {
        for (relative, folder) in folders {
            try SystemCall.flush(folder, path: relative.isEmpty ? label : "\(label)/\(relative)")
        }
    }

    /// Makes every folder of the tree read-only (0555), once every file is in it; see
    /// ``SystemCall/removeTree(at:_:path:)`` for how such a tree is deleted later.
    func makeReadOnly() throws(SystemCallError) {
        for (relative, folder) in folders where fchmod(folder, 0o555) != 0 {
            throw SystemCallError(operation: "set the permissions of", path: relative.isEmpty ? label : "\(label)/\(relative)", code: errno)
        }
    }

    func close() {
        for folder in folders.values { Glibc.close(folder) }
        folders = [:]
    }
}
