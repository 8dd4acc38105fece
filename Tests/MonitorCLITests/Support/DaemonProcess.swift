import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A `monitor run` started on a free loopback port for one test. It is killed when the value
/// goes away, whatever the test did, so a failing test never leaves a daemon behind.
final class DaemonProcess {
    let process = Process()
    let port: Int
    private let scratch: URL
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `command` is what runs before `--listen`: `monitor run` by default, or e.g. `["demo", "--dir", D]`.
    /// `openFileLimit` runs it under `ulimit -n N` (through `sh`, which then execs monitor).
    init(
        in directory: URL, env: [String: String] = [:], command: [String] = ["run"], extraArguments: [String] = [],
        openFileLimit: Int? = nil
    ) throws {
        port = try freeLoopbackPort()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-daemon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let log = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let arguments = command + ["--listen", "127.0.0.1:\(port)"] + extraArguments
        if let openFileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(openFileLimit) && exec \"$0\" \"$@\"", try MonitorExecutable.url().path] + arguments
        } else {
            process.executableURL = try MonitorExecutable.url()
            process.arguments = arguments
        }
        process.environment = monitorBaseEnvironment.merging(["MONITOR_LOG_LEVEL": "info"].merging(env) { _, b in b }) { _, b in b }
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        try waitUntilListening()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: scratch)
    }

    var log: String { (try? String(contentsOf: scratch.appendingPathComponent("stderr"), encoding: .utf8)) ?? "" }

    private func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            guard process.isRunning else { throw MissingProgram(description: "monitor run exited with \(process.terminationStatus):\n\(log)") }
            if let response = try? request("GET", "/healthz", timeout: 2), response.status > 0 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw MissingProgram(description: "monitor run did not listen on \(port) within 30 s:\n\(log)")
    }

    /// One HTTP request through curl: the status (0 when nothing answered) and the body.
    func request(_ method: String, _ path: String, token: String? = nil, timeout: Int = 20) throws -> (status: Int, body: String) {
        var arguments = ["-s", "-X", method, "--max-time", "\(timeout)", "-w", "\n%{http_code}"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        let result = try runProcess(
            try programOnPath("curl", installHint: "apt-get install curl"), arguments + [baseURL + path],
            environment: monitorBaseEnvironment)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    func json(_ method: String, _ path: String, token: String? = nil) throws -> (status: Int, body: [String: Any]) {
        let response = try request(method, path, token: token)
        let body = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        return (response.status, try #require(body, "\(method) \(path): \(response.status) \(response.body)"))
    }

    /// Sends SIGTERM and waits up to `seconds` for the exit; `nil` if it did not stop in time.
    func terminate(within seconds: TimeInterval = 10) -> Int32? {
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return process.isRunning ? nil : process.terminationStatus
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's pick).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw MissingProgram(description: "cannot open a socket") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw MissingProgram(description: "cannot bind a loopback socket") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
