import Foundation
import Hummingbird
import HummingbirdTesting
import MonitorCore
import MonitorTestSupport
import Testing

@testable import MonitorWeb

/// The `Host` rule against DNS rebinding (issue 12) and the cross-site `Origin` check.
@Suite struct HostCheckTests {
    static let loopback = ListenAddress(host: "127.0.0.1", port: 8080)

    static func policy(listen: ListenAddress = loopback, publicURL: String? = nil) -> HostPolicy {
        HostPolicy(listen: listen, publicURL: publicURL, machineName: "backup01")
    }

    @Test(arguments: [
        "127.0.0.1", "127.0.0.1:8080", "127.0.0.1:9999", "localhost", "localhost:8080", "LOCALHOST:8080",
        "[::1]", "[::1]:8080", "localhost.", "backup01", "backup01:8080", "10.1.2.3:8080",
    ])
    func loopbackNamesAndAddressesAreAccepted(host: String) {
        #expect(Self.policy().allows(authority: host))
    }

    @Test(arguments: [
        "evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil.example", "", ":8080",
        "user@127.0.0.1", "[::1", "127.0.0.1:80x", "backups.example.com",
    ])
    func otherNamesAreRefused(host: String) {
        #expect(!Self.policy().allows(authority: host))
    }

    @Test func thePublicURLHostIsAcceptedWithAnyPort() {
        let policy = Self.policy(publicURL: "https://Backups.Example.com/monitor")
        #expect(policy.allows(authority: "backups.example.com"))
        #expect(policy.allows(authority: "backups.example.com:443"))
        #expect(!policy.allows(authority: "example.com"))
    }

    @Test func aWildcardListenAddressIsNotAnyName() {
        let policy = Self.policy(listen: ListenAddress(host: "0.0.0.0", port: 8080))
        #expect(policy.allows(authority: "192.168.1.20:8080"))
        #expect(policy.allows(authority: "backup01:8080"))
        #expect(!policy.allows(authority: "evil.example:8080"))
    }

    @Test func aNamedListenAddressIsAccepted() {
        #expect(Self.policy(listen: ListenAddress(host: "monitor.lan", port: 8080)).allows(authority: "monitor.lan:8080"))
    }

    @Test func aWrongHostIs421JSONOnEveryRoute() async throws {
        let fixture = try WebFixture()
        try await fixture.application().test(.live) { client in
            let port = try #require(client.port)
            for path in ["/healthz", "/metrics", "/", "/api/jobs", "/nope"] {
                let answer = try await RawHTTP.exchange(port: port, RawHTTP.request("GET", path, host: "evil.example:\(port)"))
                #expect(answer.status == 421, "GET \(path)")
                #expect(answer.header("Content-Type")?.hasPrefix("application/json") == true)
                let message = try #require(answer.json()?["error"] as? String)
                #expect(message.contains("settings.public_url"), "\(message)")
            }
            // An absolute-form target is judged by its Host header, which the decoding keeps.
            let absolute = try await RawHTTP.exchange(port: port, RawHTTP.request("GET", "http://127.0.0.1/healthz", host: "evil.example"))
            #expect(absolute.status == 421)
            for host in ["127.0.0.1:\(port)", "localhost:\(port)", "localhost", "[::1]:\(port)"] {
                let answer = try await RawHTTP.exchange(port: port, RawHTTP.request("GET", "/healthz", host: host))
                #expect(answer.status == 200, "Host: \(host)")
            }
            #expect(try await RawHTTP.exchange(port: port, RawHTTP.request("GET", "/healthz", host: nil)).status == 200)
        }
    }

    @Test func aCrossSitePostIsRefusedEvenWithTheToken() async throws {
        let fixture = try WebFixture(apiTokenEnv: "MONITOR_API_TOKEN")
        try await fixture.application(environment: ["MONITOR_API_TOKEN": "t0ken"]).test(.live) { client in
            let port = try #require(client.port)
            let auth = "Authorization: Bearer t0ken"
            let foreign = try await RawHTTP.exchange(
                port: port, RawHTTP.request("POST", "/api/scan", extra: [auth, "Origin: http://evil.example", "Content-Length: 0"]))
            #expect(foreign.status == 403)
            #expect((foreign.json()?["error"] as? String)?.contains("cross-site") == true)
            let own = try await RawHTTP.exchange(
                port: port, RawHTTP.request("POST", "/api/scan", extra: [auth, "Origin: http://127.0.0.1:\(port)", "Content-Length: 0"]))
            #expect(own.status == 200, "\(own.body)")
        }
    }
}
