import Foundation
import MonitorCore
import MonitorStore
import MonitorTestSupport
import Testing

@testable import MonitorRuntime

/// A temporary folder with a real state and real restic or borg repositories made by the real
/// tools, for the `source: restic` and `source: borg` readers (SPEC §13). Jobs are daily at
/// 02:00 with a 3 h window, applied on 2026-11-30 at noon UTC.
final class RepositorySandbox {
    let root: URL
    let store: StateStore
    /// The environment the tools run with here: their caches and borg's security folder in the sandbox.
    let toolEnvironment: [String: String]

    static let appliedAt = Timestamp.parse("2026-11-30T12:00:00Z")!

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-repositories-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("backups"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        try Data("first file\n".utf8).write(to: root.appendingPathComponent("data/a.txt"))
        try Data(repeating: 7, count: 50_000).write(to: root.appendingPathComponent("data/b.bin"))
        store = try StateStore.open(path: TestState.location(root.appendingPathComponent("state.sqlite").path), create: true)
        var environment = ProcessInfo.processInfo.environment
        environment["RESTIC_CACHE_DIR"] = root.appendingPathComponent("cache/restic").path
        environment["BORG_BASE_DIR"] = root.appendingPathComponent("borg-home").path
        environment["TZ"] = "UTC"
        toolEnvironment = environment
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Applies `jobs` (each daily at 02:00 with a 3 h window unless given) with `settings`.
    func apply(_ jobs: [Job], settings: (inout Settings) -> Void = { _ in }) throws {
        var applied = Settings(state: store.path)
        settings(&applied)
        try store.apply(
            DesiredState(
                settings: applied, destinations: [Destination(name: "nas", path: path("backups"), keepVersions: 3)], routes: [], jobs: jobs),
            baseRevision: nil,
            context: ApplyContext(configPath: "/etc/monitor.yaml", git: nil, user: "t", host: "h", now: Self.appliedAt))
    }

    static func job(_ name: String, source: Source, timezone: String = "UTC") throws -> Job {
        var job = Job(
            name: name, destination: "nas", schedule: try CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 3 * 3600),
            timezone: timezone)
        job.source = source
        return job
    }

    /// The job's ledger row for the occurrence scheduled at `scheduledAt` (RFC 3339).
    func occurrence(_ job: String, _ scheduledAt: String) throws -> OccurrenceRecord? {
        try store.occurrence(job: job, scheduledAt: Timestamp.parse(scheduledAt)!)
    }

    /// Runs a tool to completion; fails the test with its standard error when it fails.
    @discardableResult
    func tool(_ program: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/\(program)")
        process.arguments = arguments
        process.environment = toolEnvironment.merging(extra) { $1 }
        process.currentDirectoryURL = root
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolFailure(description: "\(program) \(arguments.joined(separator: " ")): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }

    struct ToolFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// An executable shell script at `relative`, to stand in for a tool that hangs or babbles.
    func script(_ relative: String, _ body: String) throws -> String {
        let file = path(relative)
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
        return file
    }
}

extension RepositorySandbox {
    /// Writes `text` at `relative` in the sandbox.
    func write(_ relative: String, _ text: String) throws {
        try Data(text.utf8).write(to: root.appendingPathComponent(relative))
    }
}

extension RepositorySandbox {
    /// Whether process `pid` is alive (a zombie waiting for its reaper is not), after giving a
    /// killed process a moment to go.
    static func isRunning(pid: String) -> Bool {
        for _ in 0..<50 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            let state = stat.split(separator: ")").last?.split(separator: " ").first
            if state == "Z" || state == "X" { return false }
            usleep(20_000)
        }
        return true
    }
}
