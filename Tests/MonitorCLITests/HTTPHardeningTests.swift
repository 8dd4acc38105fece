import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 12 through the built daemon: path spellings and the token, idle sockets against the
/// connection limit, `HEAD`, and a state file deleted under `monitor run`.
@Suite(.serialized) struct HTTPHardeningTests {
    static let token = "hardening-\(UUID().uuidString)"

    static func sandbox(tokenEnv: Bool) throws -> BackupSandbox {
        let box = try BackupSandbox(jobs: "")
        try """
        version: 1
        settings:
          state: state/monitor.sqlite
          scan_interval: 1m
        \(tokenEnv ? "  api_token_env: MONITOR_TOKEN" : "")
        destinations:
          nas:
            path: backups
        jobs:
          db:
            destination: nas
            schedule: "*/5 * * * *"
            window: 1h
        """.write(to: box.root.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        try box.monitor(["apply"])
        return box
    }

    @Test(.timeLimit(.minutes(2))) func everySpellingOfAnAPIPathNeedsTheToken() throws {
        let box = try Self.sandbox(tokenEnv: true)
        let daemon = try DaemonProcess(in: box.root, env: ["MONITOR_TOKEN": Self.token])
        for path in ["//api/jobs", "///api/revisions", "/api//jobs", "//api/jobs/db", "http://127.0.0.1//api/jobs"] {
            let answer = try #require(RawHTTPClient.exchange(port: daemon.port, "GET", path), "GET \(path)")
            #expect(answer.status == 401, "GET \(path): \(answer.body)")
        }
        for path in ["/./api/jobs", "/%61pi/jobs"] {
            let answer = try #require(RawHTTPClient.exchange(port: daemon.port, "GET", path), "GET \(path)")
            #expect([401, 404].contains(answer.status), "GET \(path): \(answer.status) \(answer.body)")
        }
        let scan = try #require(RawHTTPClient.exchange(port: daemon.port, "POST", "//api/scan", headers: ["Content-Length: 0"]))
        #expect(scan.status == 401, "\(scan.body)")
        let allowed = try #require(RawHTTPClient.exchange(port: daemon.port, "GET", "//api/jobs", headers: ["Authorization: Bearer \(Self.token)"]))
        #expect(allowed.status == 200)
        #expect(daemon.terminate() == 0)
    }

    @Test(.timeLimit(.minutes(2))) func withoutATokenAScanOnAnySpellingIs403() throws {
        let box = try Self.sandbox(tokenEnv: false)
        let daemon = try DaemonProcess(in: box.root)
        for path in ["/api/scan", "//api/scan", "///api/scan", "/api//scan"] {
            let answer = try #require(RawHTTPClient.exchange(port: daemon.port, "POST", path, headers: ["Content-Length: 0"]), "POST \(path)")
            #expect(answer.status == 403, "POST \(path): \(answer.body)")
        }
        #expect(daemon.terminate() == 0)
    }

    @Test(.timeLimit(.minutes(2))) func headAnswersOnHealthAndMetrics() throws {
        let box = try Self.sandbox(tokenEnv: false)
        let daemon = try DaemonProcess(in: box.root)
        for path in ["/healthz", "/metrics", "/", "/api/jobs"] {
            let answer = try #require(RawHTTPClient.exchange(port: daemon.port, "HEAD", path), "HEAD \(path)")
            #expect(answer.status == 200, "HEAD \(path)")
            #expect(answer.body.isEmpty, "HEAD \(path)")
        }
        #expect(daemon.terminate() == 0)
    }

    @Test(.timeLimit(.minutes(3))) func idleSocketsDoNotStallHealthUnderALowFileLimit() throws {
        let box = try Self.sandbox(tokenEnv: false)
        let daemon = try DaemonProcess(in: box.root, openFileLimit: 256)
        var idle: [Int32] = []
        defer { for fd in idle { close(fd) } }
        for _ in 0..<400 {
            if let fd = RawHTTPClient.connect(port: daemon.port, timeout: 2) { idle.append(fd) }
        }
        // Health must answer while the idle sockets are still open: a few tries, each bounded.
        var status: Int?
        let deadline = Date().addingTimeInterval(20)
        while status == nil && Date() < deadline {
            status = RawHTTPClient.exchange(port: daemon.port, "GET", "/healthz", timeout: 3)?.status
        }
        #expect(status == 200, "/healthz with \(idle.count) idle sockets open: \(status.map(String.init) ?? "no answer")\n\(daemon.log)")
        #expect(daemon.log.contains("HTTP connection limit reached"), "\(daemon.log)")
        #expect(RawHTTPClient.exchange(port: daemon.port, "GET", "/api/jobs", timeout: 5)?.status == 200)
        #expect(daemon.terminate() == 0)
    }

    @Test(.timeLimit(.minutes(2))) func aDeletedStateFileTurnsHealthRed() throws {
        let box = try Self.sandbox(tokenEnv: false)
        let daemon = try DaemonProcess(in: box.root)
        #expect(try daemon.json("GET", "/healthz").status == 200)
        try FileManager.default.removeItem(at: box.root.appendingPathComponent("state/monitor.sqlite"))
        let health = try daemon.json("GET", "/healthz")
        #expect(health.status == 503)
        #expect((health.body["status"] as? String)?.contains("was removed") == true, "\(health.body)")
        #expect(daemon.log.contains("the state file was removed or replaced"), "\(daemon.log)")
        #expect(daemon.terminate() == 0)
    }
}
