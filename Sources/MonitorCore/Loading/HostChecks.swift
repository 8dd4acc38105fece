import Foundation

/// Checks what a configuration relies on outside itself — environment variables and paths —
/// on the machine where `check` runs. A problem here is a warning: CI often runs elsewhere than
/// the monitor; `--strict` makes unset environment variables errors for a check on the real host,
/// and so are secrets written in the configuration and notification URLs in the environment that
/// cannot be read.
public struct HostChecks: Sendable {
    public var environment: [String: String]
    public var strict: Bool

    public init(environment: [String: String], strict: Bool) {
        self.environment = environment
        self.strict = strict
    }

    public func diagnostics(for references: [HostReference]) -> [Diagnostic] {
        var seen = Set<HostReference>()
        return references.compactMap { reference -> Diagnostic? in
            guard seen.insert(reference).inserted else { return nil }
            switch reference {
            case .environmentVariable(let name, let purpose, let location):
                guard (environment[name] ?? "").isEmpty else { return nil }
                let state = environment[name] == nil ? "is not set" : "is empty"
                return Diagnostic(
                    strict ? .error : .warning,
                    "environment variable \(name) \(state) here; it holds \(purpose), so set it in the environment of `monitor run`", at: location)
            case .directory(let path, let purpose, let location):
                var isDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                    return .warning(
                        "folder \(path) does not exist here (\(purpose)); create it or mount the storage before `monitor run`", at: location)
                }
                return isDirectory.boolValue ? nil : .warning("\(path) is a file, not a folder (\(purpose))", at: location)
            case .file(let path, let purpose, let location):
                var isDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || isDirectory.boolValue {
                    return .warning("file \(path) does not exist here (\(purpose)); put it there before `monitor run`", at: location)
                }
                return nil
            case .command(let name, let purpose, let location):
                if name.contains("/") {
                    return FileManager.default.isExecutableFile(atPath: name)
                        ? nil : .warning("\(name) is not an executable file here (\(purpose)); install it there before `monitor run`", at: location)
                }
                let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
                let found = folders.contains { FileManager.default.isExecutableFile(atPath: ($0 as NSString).appendingPathComponent(name)) }
                return found
                    ? nil : .warning("no program \(name) in PATH here (\(purpose)); install it, or give its path, before `monitor run`", at: location)
            case .literalSecret(let message, let location):
                return Diagnostic(strict ? .error : .warning, message, at: location)
            case .notificationURL(let name, let purpose, let location):
                guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
                do throws(NotificationURLProblem) {
                    _ = try NotificationURL(parsing: value)
                    return nil
                } catch {
                    return Diagnostic(
                        strict ? .error : .warning,
                        "the URL in environment variable \(name) (\(purpose)) \(error.message) (character \(error.offset + 1) of the URL)",
                        at: location)
                }
            }
        }
    }
}
