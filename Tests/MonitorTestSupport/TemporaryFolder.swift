import Foundation

/// A real folder under the system's temporary directory, removed when the value goes away.
public final class TemporaryFolder {
    public let path: String

    public init(_ label: String = "monitor-test") throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` at `relative` (creating folders) and returns the absolute path.
    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String {
        let file = self.path(relative)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    public func makeFolder(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
    }

    public func path(_ relative: String) -> String { (path as NSString).appendingPathComponent(relative) }
}
