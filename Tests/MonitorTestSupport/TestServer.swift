import Foundation

/// Test support shared by the test targets that need real peers.
///
/// A real server from `Tests/Servers` (Python: aiosmtpd for SMTP, http.server for webhooks),
/// started by one test on a port the system picks and stopped by it.
///
/// The script writes its port to a ready file once it accepts connections, appends one JSON
/// line per message or request it receives, and exits by itself after `lifetime` seconds or
/// when this test process is gone, so that a crashed test leaves no server behind.
public final class TestServer: @unchecked Sendable {
    public let port: Int
    /// A temporary folder for this server (its ready file, records and log), removed with it.
    public let folder: URL
    private let process: Process
    /// The JSON-lines file the server appends to (`--out`).
    public let records: URL

    /// `Tests/Servers`, next to the test targets.
    public static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Servers")

    /// Starts `script` with `arguments` (plus `--ready`, `--out` and `--lifetime`) and waits up
    /// to 20 s for it to listen.
    public init(script: String, arguments: [String] = [], lifetime: Int = 120) throws {
        folder = try Self.temporaryFolder()
        let ready = self.folder.appendingPathComponent("ready")
        records = self.folder.appendingPathComponent("records.jsonl")
        let log = self.folder.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        defer { try? logHandle.close() }

        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", Self.scripts.appendingPathComponent(script).path]
            + arguments + ["--ready", ready.path, "--out", records.path, "--lifetime", String(lifetime)]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()

        let deadline = Date().addingTimeInterval(20)
        while true {
            if let text = try? String(contentsOf: ready, encoding: .utf8), let port = Int(text) {
                self.port = port
                return
            }
            if !process.isRunning || Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw ServerDidNotStart(
                    description: """
                        \(script) did not start (run scripts/setup-test-deps for aiosmtpd and openssl):
                        \(output)
                        """)
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Kills the server and waits for it. SIGKILL because a child started from a Swift test
    /// thread inherits that thread's blocked SIGTERM (the scripts unblock it, but a server
    /// stuck before doing so must still go), and the server has nothing to clean up.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// What the server received so far, one value per message or request, oldest first.
    public func received<Record: Decodable>(_ type: Record.Type) throws -> [Record] {
        guard let data = try? Data(contentsOf: records) else { return [] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try decoder.decode(Record.self, from: Data($0.utf8))
        }
    }

    public static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

public struct ServerDidNotStart: Error, CustomStringConvertible {
    public let description: String
}

/// A TCP port on 127.0.0.1 where nothing listens: bound by the system, then closed.
public func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// How the test SMTP server talks: plain, STARTTLS, or TLS from the first byte (smtps).
public enum MailServerMode: String, Sendable {
    case plain, starttls, smtps
}

extension TestServer {
    /// aiosmtpd on 127.0.0.1: user `monitor`, password `s3cret`; `reject` answers 550 and
    /// `defer` 450 to those recipients; `extra` are further options of `smtp_server.py`, such
    /// as `--stall-data 1`. With TLS it presents ``TestCertificate``.
    public static func mail(
        _ mode: MailServerMode, reject: [String] = [], defer deferred: [String] = [],
        extra: [String] = []
    ) throws -> TestServer {
        var arguments = ["--mode", mode.rawValue, "--user", "monitor", "--password", "s3cret"]
        if mode != .plain {
            let files = try TestCertificate.files()
            arguments += ["--cert", files.certificate.path, "--key", files.key.path]
        }
        arguments += reject.flatMap { ["--reject", $0] } + deferred.flatMap { ["--defer", $0] } + extra
        return try TestServer(script: "smtp_server.py", arguments: arguments)
    }

    public static func webhookReceiver() throws -> TestServer {
        try TestServer(script: "webhook_receiver.py")
    }

    public func smtpURL(_ scheme: String = "smtp") -> String { "\(scheme)://127.0.0.1:\(port)" }
    public func httpURL(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }
}
