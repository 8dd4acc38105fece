import Foundation

/// Where the tests find their files.
enum Fixtures {
    /// `Tests/MonitorCLITests/Fixtures` as copied into the test bundle; `monitor` runs in it so
    /// that diagnostics name files exactly as the snapshots do (`check/broken.yaml:5:13: ...`).
    static let root: URL = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("the test bundle has no Fixtures folder; Package.swift copies it with resources: [.copy(\"Fixtures\")]")
        }
        return url
    }()

    /// `Tests/MonitorCLITests/Fixtures` in the source tree, where `UPDATE_SNAPSHOTS=1` writes.
    static let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The repository: schemas, examples and the other targets' fixtures are read from here.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Names of the regular files of `folder` (relative to `base`) whose extension is one of
    /// `extensions`, sorted; empty when the folder does not exist.
    static func files(in folder: String, extensions: Set<String>, base: URL = root) -> [String] {
        let url = base.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { name in
            guard !name.hasPrefix("."), extensions.contains((name as NSString).pathExtension) else { return false }
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }.sorted()
    }

    /// Names of the sub-folders of `folder` (relative to `base`), sorted.
    static func folders(in folder: String, base: URL = root) -> [String] {
        let url = base.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    static func text(_ path: String, base: URL = root) throws -> String {
        try String(contentsOf: base.appendingPathComponent(path), encoding: .utf8)
    }
}
