import Foundation

/// What a program run to completion left behind.
struct ProcessResult: Sendable {
    /// The exit status (or the signal number, when the program was killed).
    var exit: Int32
    var stdout: String
    var stderr: String
}

/// A program the tests need and could not find, with what to do about it.
struct MissingProgram: Error, CustomStringConvertible {
    let description: String
}

/// Runs `executable` to completion and returns its exit status and output.
///
/// Output goes through temporary files rather than pipes, so a chatty program can never block
/// on a full pipe while the test waits for it to exit.
func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String], in directory: URL? = nil) throws -> ProcessResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-process-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let stdoutURL = scratch.appendingPathComponent("stdout")
    let stderrURL = scratch.appendingPathComponent("stderr")
    for url in [stdoutURL, stderrURL] where !FileManager.default.createFile(atPath: url.path, contents: nil) {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
    }
    let stdout = try FileHandle(forWritingTo: stdoutURL)
    let stderr = try FileHandle(forWritingTo: stderrURL)

    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = environment
    if let directory { process.currentDirectoryURL = directory }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    process.waitUntilExit()
    try stdout.close()
    try stderr.close()
    return ProcessResult(
        exit: process.terminationStatus,
        stdout: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
        stderr: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self)
    )
}

/// The environment `monitor` runs in: nothing from the developer's shell leaks into a test
/// (no MONITOR_CONFIG, no secrets), and help text is wrapped at a fixed width.
let monitorBaseEnvironment: [String: String] = ["PATH": "/usr/bin:/bin", "COLUMNS": "80", "LC_ALL": "C.UTF-8"]

/// Runs the built `monitor` executable.
///
/// - Parameters:
///   - env: variables added to ``monitorBaseEnvironment`` (secrets, `MONITOR_CONFIG`...).
///   - cwd: the working directory; relative paths in `arguments` and in the output are relative to it.
func runMonitor(_ arguments: [String], env: [String: String] = [:], cwd: URL? = nil) throws -> ProcessResult {
    try runProcess(MonitorExecutable.url(), arguments, environment: monitorBaseEnvironment.merging(env) { _, added in added }, in: cwd)
}

/// The `monitor` executable that `swift build --build-tests` puts next to the test bundle,
/// whatever the scratch path (`.build`, `.build-anything`) and platform layout.
enum MonitorExecutable {
    /// Set to use another build of `monitor` (an absolute path).
    static let overrideVariable = "MONITOR_EXECUTABLE"

    static func url() throws -> URL {
        try located.get()
    }

    private static let located: Result<URL, MissingProgram> = {
        if let path = ProcessInfo.processInfo.environment[overrideVariable], !path.isEmpty {
            return isExecutableFile(path)
                ? .success(URL(fileURLWithPath: path))
                : .failure(MissingProgram(description: "\(overrideVariable)=\(path) is not an executable file"))
        }
        let folders = candidateFolders()
        for folder in folders {
            let candidate = folder.appendingPathComponent("monitor")
            if isExecutableFile(candidate.path) { return .success(candidate.standardizedFileURL) }
        }
        return .failure(
            MissingProgram(
                description: """
                    the monitor executable is not next to the tests (looked in \(folders.map(\.path).joined(separator: ", "))); \
                    build it with `swift build --build-tests` (same --scratch-path as `swift test`), or set \(overrideVariable)
                    """))
    }()

    /// Folders that hold the test bundle: on Linux the test runner is an executable in the
    /// products folder; on macOS it is a `.xctest` bundle inside it.
    private static func candidateFolders() -> [URL] {
        var folders: [URL] = []
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        folders.append(runner.deletingLastPathComponent())
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            folders.append(executable.deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL)
        folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
        // The resource bundle of this target sits in the products folder too.
        folders.append(Bundle.module.bundleURL.deletingLastPathComponent())
        var seen = Set<String>()
        return folders.map(\.standardizedFileURL).filter { seen.insert($0.path).inserted }
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }
}

/// Finds `name` on the `PATH` of the test run (for tools the tests drive, like check-jsonschema).
func programOnPath(_ name: String, installHint: String) throws -> URL {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for folder in path.split(separator: ":") where !folder.isEmpty {
        let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw MissingProgram(description: "\(name) is not on PATH (\(path)); \(installHint)")
}
