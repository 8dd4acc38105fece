import Foundation
import MonitorCore
import MonitorRuntime
import MonitorStore

/// The folder of `monitor demo`: `monitor.yaml`, `state/`, `backups/` and a marker file that
/// says the demo made it. A folder without the marker is never written into unless empty, so
/// that `--dir` can never clobber a person's data; one with it is rebuilt.
struct DemoSandbox: Sendable {
    static let markerName = ".monitor-demo"
    /// What a rebuild replaces; anything else in the folder (a report written there...) stays.
    static let ownedEntries = ["monitor.yaml", "state", "backups", markerName]

    /// The absolute path of the folder.
    let root: String

    var configPath: String { path("monitor.yaml") }
    var statePath: String { path("state/monitor.sqlite") }
    var backupsPath: String { path("backups") }

    func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    /// A fresh temporary folder (`$TMPDIR/monitor-demo.XXXXXX`) when `folder` is `nil`; else
    /// `folder`, created when missing, emptied of an earlier demo's files when it holds one,
    /// refused when it holds anything else.
    static func prepare(folder: String?) throws(DemoError) -> DemoSandbox {
        guard let folder else { return try DemoSandbox(root: try temporaryFolder()).marked() }
        let root = absolute(folder)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: root, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw .notAFolder(path: root) }
            let entries: [String]
            do { entries = try FileManager.default.contentsOfDirectory(atPath: root) } catch {
                throw .cannotPrepare(path: root, reason: describe(error))
            }
            if !entries.isEmpty {
                guard entries.contains(markerName) else { throw .notADemoSandbox(path: root, entries: entries.count) }
                for entry in ownedEntries where entries.contains(entry) {
                    let target = (root as NSString).appendingPathComponent(entry)
                    do { try FileManager.default.removeItem(atPath: target) } catch {
                        throw .cannotPrepare(path: target, reason: describe(error))
                    }
                }
            }
        } else {
            do { try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true) } catch {
                throw .cannotPrepare(path: root, reason: describe(error))
            }
        }
        return try DemoSandbox(root: root).marked()
    }

    /// Writes the marker first, so that a demo interrupted while building can be rebuilt.
    private func marked() throws(DemoError) -> DemoSandbox {
        let text = """
            This folder is a `monitor demo` sandbox. `monitor demo --dir \(root)` rebuilds it:
            monitor.yaml, state/ and backups/ are deleted and made again. Delete this file to keep them.

            """
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path(Self.markerName))) } catch {
            throw .cannotPrepare(path: path(Self.markerName), reason: DemoSandbox.describe(error))
        }
        return self
    }

    private static func temporaryFolder() throws(DemoError) -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array(((base as NSString).appendingPathComponent("monitor-demo.XXXXXX")).utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw .cannotPrepare(path: base, reason: String(cString: strerror(errno)))
        }
        return String(cString: made)
    }

    private static func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }

    static func describe(_ error: any Error) -> String {
        if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return (error as NSError).localizedDescription
    }
}

/// Why `monitor demo` could not build its sandbox; each message says what to do next.
enum DemoError: Error, CustomStringConvertible {
    case notADemoSandbox(path: String, entries: Int)
    case notAFolder(path: String)
    case cannotPrepare(path: String, reason: String)
    /// The demo's own configuration did not load: a bug, with the diagnostics.
    case invalidConfiguration(String)
    case store(StoreError)
    case seal(SealError)
    case write(path: String, reason: String)
    case scan(job: String, message: String)

    var description: String {
        switch self {
        case .notADemoSandbox(let path, let entries):
            "\(path) is not empty (\(entries) entr\(entries == 1 ? "y" : "ies")) and is not a monitor demo sandbox "
                + "(no \(DemoSandbox.markerName) file); monitor demo never writes into a folder it did not make. "
                + "Give --dir a new or empty folder, or leave --dir out for a temporary one"
        case .notAFolder(let path):
            "\(path) exists and is not a folder; give --dir a new or empty folder"
        case .cannotPrepare(let path, let reason):
            "cannot prepare the sandbox at \(path): \(reason)"
        case .invalidConfiguration(let diagnostics):
            "the demo configuration is invalid (a bug in monitor demo):\n\(diagnostics)"
        case .store(let error):
            "\(error)"
        case .seal(let error):
            "a simulated producer could not seal its backup: \(error)"
        case .write(let path, let reason):
            "a simulated producer could not write \(path): \(reason)"
        case .scan(let job, let message):
            "the simulated scan of job \(job) failed: \(message)"
        }
    }
}
