import Foundation
import MonitorStore

/// Who is applying from where: the user, the host and the git commit of the configuration.
enum ApplyContextProbe {
    static func context(configPath: String, now: Date) -> ApplyContext {
        ApplyContext(configPath: absolute(configPath), git: git(for: configPath), user: user(), host: ProcessInfo.processInfo.hostName, now: now)
    }

    static func user() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let name = environment["USER"] ?? environment["LOGNAME"], !name.isEmpty { return name }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }

    /// The commit and branch of the work tree that holds the configuration, and whether the
    /// configuration has uncommitted changes; `nil` when it is not in a git work tree.
    static func git(for configPath: String) -> GitInfo? {
        var isDirectory: ObjCBool = false
        let path = absolute(configPath)
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let folder = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        guard let commit = run(["-C", folder, "rev-parse", "--verify", "-q", "HEAD"]), !commit.isEmpty else { return nil }
        let branch = run(["-C", folder, "symbolic-ref", "--short", "-q", "HEAD"])
        let status = run(["-C", folder, "status", "--porcelain", "--", path]) ?? ""
        return GitInfo(commit: commit, branch: branch?.isEmpty == false ? branch : nil, dirty: !status.isEmpty)
    }

    private static func run(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }
}
