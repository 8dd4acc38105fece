import Foundation

/// aiosmtpd on 127.0.0.1 (`Tests/Servers/smtp_server.py`, STARTTLS + AUTH as user `monitor`,
/// password `s3cret`, with a self-signed certificate), started by one test and stopped with it.
///
/// A trimmed copy of `MonitorRuntimeTests/Support/TestServer.swift`: test targets cannot share
/// sources, and this one needs only the mail server.
final class MailServer {
    let port: Int
    let folder: URL
    /// The server's certificate, to trust with `ca_file`.
    var certificate: URL { folder.appendingPathComponent("cert.pem") }
    private let process: Process

    /// - Parameter arguments: extra options of `Tests/Servers/smtp_server.py`, e.g. `--stall-data 1`.
    init(arguments extra: [String] = []) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let key = folder.appendingPathComponent("key.pem")
        let openssl = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key.path, "-out", folder.appendingPathComponent("cert.pem").path, "-days", "2",
            "-subj", "/CN=monitor test SMTP server", "-addext", "subjectAltName=IP:127.0.0.1",
        ], environment: ProcessInfo.processInfo.environment)
        guard openssl.exit == 0 else { throw MissingProgram(description: "openssl req failed; run scripts/setup-test-deps: \(openssl.stderr)") }

        let ready = folder.appendingPathComponent("ready"), log = folder.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        defer { try? logHandle.close() }
        let script = Fixtures.repository.appendingPathComponent("Tests/Servers/smtp_server.py")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // --lifetime: the server stops by itself even if this test process dies.
        process.arguments = ["python3", script.path, "--mode", "starttls", "--cert", folder.appendingPathComponent("cert.pem").path, "--key", key.path,
                             "--ready", ready.path, "--out", folder.appendingPathComponent("mail.jsonl").path, "--lifetime", "120"] + extra
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
                throw MissingProgram(description: "the test SMTP server did not start (run scripts/setup-test-deps): "
                    + ((try? String(contentsOf: log, encoding: .utf8)) ?? ""))
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    deinit {
        // SIGKILL: a child of a Swift test thread inherits its blocked SIGTERM.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    struct Mail: Decodable {
        var rcptTos: [String]
        var headers: [String: String]
        var text: String?
    }

    /// Whether the server has received a DATA command that it is leaving unanswered.
    var hasStalled: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent("mail.jsonl.stalled").path) }

    /// The messages accepted so far, oldest first.
    func received() throws -> [Mail] {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("mail.jsonl")) else { return [] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map { try decoder.decode(Mail.self, from: Data($0.utf8)) }
    }
}

/// A TCP port on 127.0.0.1 where nothing listens: bound by the system, then closed.
func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}
