import Foundation
import Yams

/// What loading a configuration produced: the configuration when it is valid, every diagnostic
/// either way, and the text of each file read (for showing the offending line).
public struct LoadResult: Sendable {
    /// `nil` exactly when `diagnostics` holds an error.
    public var configuration: Configuration?
    public var diagnostics: [Diagnostic]
    /// Environment variables and paths the configuration relies on, for `HostChecks`.
    public var hostReferences: [HostReference]
    /// File path → its text.
    public var sources: [String: String]
}

/// Loads a configuration file, or a directory of `*.yaml`/`*.yml` files merged in name order.
public struct ConfigLoader: Sendable {
    public static let defaultPath = "monitor.yaml"
    public static let pathEnvironmentVariable = "MONITOR_CONFIG"

    /// The folder relative paths are resolved against when `path` is relative.
    let workingDirectory: String
    /// The clock silences without `from` are measured from (at most 30 days); `nil` skips that check.
    let now: Date?

    /// - Parameter now: defaults to the clock: loading a configuration is an edge, like reading its files.
    public init(workingDirectory: String = FileManager.default.currentDirectoryPath, now: Date? = Date()) {
        self.workingDirectory = workingDirectory
        self.now = now
    }

    /// `--config`, else `$MONITOR_CONFIG`, else `monitor.yaml`.
    public static func path(option: String?, environment: [String: String]) -> String {
        option ?? environment[pathEnvironmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath
    }

    public func load(path: String) -> LoadResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute(path), isDirectory: &isDirectory) else {
            return failure(
                "cannot read the configuration: \"\(path)\" does not exist (give --config PATH or set \(Self.pathEnvironmentVariable))", file: path)
        }
        var files: [String]
        let stateFolder: String
        if isDirectory.boolValue {
            do {
                files = try FileManager.default.contentsOfDirectory(atPath: absolute(path))
                    .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                    .filter { !$0.hasPrefix(".") }
                    .sorted()
                    .map { (path as NSString).appendingPathComponent($0) }
                    // Not recursive: a sub-folder is skipped even when its name ends in .yaml.
                    .filter { !isFolder(absolute($0)) }
            } catch {
                return failure("cannot list the configuration folder \"\(path)\": \(error.localizedDescription)", file: path)
            }
            guard !files.isEmpty else {
                return failure("the configuration folder \"\(path)\" has no *.yaml or *.yml file", file: path)
            }
            stateFolder = absolute(path)
        } else {
            files = [path]
            stateFolder = (absolute(path) as NSString).deletingLastPathComponent
        }

        var diagnostics: [Diagnostic] = []
        var documents: [YAMLDocument] = []
        var sources: [String: String] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: absolute(file)) else {
                diagnostics.append(Diagnostic(.error, "cannot read \"\(file)\": permission denied or not a regular file", file: file))
                continue
            }
            guard let decoded = String(validating: data, as: UTF8.self) else {
                diagnostics.append(Diagnostic(.error, "\"\(file)\" is not UTF-8 text; save it as UTF-8", file: file))
                continue
            }
            let text = Self.droppingByteOrderMark(decoded)
            sources[file] = text
            do {
                let document = try YAMLDocument(file: file, text: text)
                documents.append(document)
                diagnostics += document.diagnostics
            } catch {
                diagnostics += error.diagnostics
            }
        }

        let reader = NodeReader()
        let decoder = ConfigDecoder(reader: reader, folderOf: { (absolute($0) as NSString).deletingLastPathComponent }, now: now)
        let configuration = decoder.decode(
            documents, files: files, defaultStateFolder: stateFolder,
            complete: documents.count == files.count)
        diagnostics += reader.diagnostics
        diagnostics.sort()
        return LoadResult(
            configuration: diagnostics.hasErrors ? nil : configuration,
            diagnostics: diagnostics,
            hostReferences: reader.hostReferences,
            sources: sources
        )
    }

    /// The text without the byte order mark that some editors (Notepad, for one) write at the
    /// start of UTF-8 files: it is not part of the text, and columns on the first line count
    /// from the character after it, as the editor shows them.
    static func droppingByteOrderMark(_ text: String) -> String {
        guard text.unicodeScalars.first == "\u{FEFF}" else { return text }
        return String(text.unicodeScalars.dropFirst())
    }

    private func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
    }

    private func failure(_ message: String, file: String) -> LoadResult {
        LoadResult(configuration: nil, diagnostics: [Diagnostic(.error, message, file: file)], hostReferences: [], sources: [:])
    }
}
