import Foundation
import Hummingbird
import HummingbirdTesting
import MonitorTestSupport
import Testing

@testable import MonitorWeb

/// The token rule holds for every spelling of a path that the router dispatches to an API
/// route (issue 12: `//api/jobs` answered 200 without the token). Raw sockets, so nothing
/// normalises the request target on the way.
@Suite struct PathSpellingAccessTests {
    static let token = "correct horse battery staple"
    static let environment = ["MONITOR_API_TOKEN": token]

    /// Spellings the router takes to an API route: each must meet the token rule.
    static let routedSpellings = [
        "/api/jobs", "//api/jobs", "///api/revisions", "/api//jobs", "//api//jobs/db", "/api/jobs/",
        "//api/jobs/db/occurrences", "//api/jobs/db/history.svg", "//api/unknown",
    ]
    /// Spellings it may not route at all: they must not answer an API document either.
    static let otherSpellings = ["/./api/jobs", "/api/./jobs", "/%61pi/jobs", "/api/%6Aobs", "/API/jobs", "/api/../api/jobs"]

    @Test func everyRoutedSpellingNeedsTheToken() async throws {
        let fixture = try WebFixture(apiTokenEnv: "MONITOR_API_TOKEN")
        try await fixture.application(environment: Self.environment).test(.live) { client in
            let port = try #require(client.port)
            for path in Self.routedSpellings {
                let answer = try await RawHTTP.exchange(port: port, RawHTTP.request("GET", path))
                #expect(answer.status == 401, "GET \(path): \(answer.status) \(answer.body)")
                #expect(answer.header("WWW-Authenticate") == "Bearer", "GET \(path)")
            }
            for path in Self.otherSpellings {
                let answer = try await RawHTTP.exchange(port: port, RawHTTP.request("GET", path))
                #expect([401, 404].contains(answer.status), "GET \(path): \(answer.status) \(answer.body)")
                #expect(!answer.body.contains("generated_at"), "GET \(path)")
            }
            // The same spellings with the token reach the route: the rule let them through, not a 404.
            for path in ["//api/jobs", "/api//jobs"] {
                let answer = try await RawHTTP.exchange(port: port, RawHTTP.request("GET", path, extra: ["Authorization: Bearer \(Self.token)"]))
                #expect(answer.status == 200, "GET \(path) with the token")
            }
        }
    }

    @Test func anAbsoluteFormTargetNeedsTheToken() async throws {
        let fixture = try WebFixture(apiTokenEnv: "MONITOR_API_TOKEN")
        try await fixture.application(environment: Self.environment).test(.live) { client in
            let port = try #require(client.port)
            for target in ["http://127.0.0.1//api/jobs", "http://127.0.0.1:\(port)/api/jobs", "http://localhost///api/revisions"] {
                let answer = try await RawHTTP.exchange(port: port, RawHTTP.request("GET", target))
                #expect(answer.status == 401, "GET \(target): \(answer.status) \(answer.body)")
            }
        }
    }

    @Test func aScanThroughAnotherSpellingNeedsTheToken() async throws {
        let fixture = try WebFixture(apiTokenEnv: "MONITOR_API_TOKEN")
        let scansBefore = try fixture.store.lastScan()?.finishedAt
        fixture.clock.set(at("2026-11-21T04:00:00Z"))
        try await fixture.application(environment: Self.environment).test(.live) { client in
            let port = try #require(client.port)
            for path in ["//api/scan", "///api/scan", "/api//scan", "http://127.0.0.1//api/scan"] {
                let answer = try await RawHTTP.exchange(port: port, RawHTTP.request("POST", path, extra: ["Content-Length: 0"]))
                #expect(answer.status == 401, "POST \(path): \(answer.status) \(answer.body)")
            }
        }
        #expect(try fixture.store.lastScan()?.finishedAt == scansBefore, "no scan ran")
    }

    @Test func withoutATokenAScanThroughAnotherSpellingIs403() async throws {
        let fixture = try WebFixture()
        let scansBefore = try fixture.store.lastScan()?.finishedAt
        fixture.clock.set(at("2026-11-21T04:00:00Z"))
        try await fixture.application(environment: [:]).test(.live) { client in
            let port = try #require(client.port)
            for path in ["/api/scan", "//api/scan", "///api/scan", "/api//scan", "http://127.0.0.1//api/scan"] {
                let answer = try await RawHTTP.exchange(port: port, RawHTTP.request("POST", path, extra: ["Content-Length: 0"]))
                #expect(answer.status == 403, "POST \(path): \(answer.status) \(answer.body)")
            }
            // A cross-site form post: no token to send, and a foreign Origin.
            let form =
                RawHTTP.request(
                    "POST", "//api/scan",
                    extra: [
                        "Origin: http://evil.example", "Content-Type: application/x-www-form-urlencoded", "Content-Length: 3",
                    ]) + "a=b"
            #expect(try await RawHTTP.exchange(port: port, form).status == 403)
        }
        #expect(try fixture.store.lastScan()?.finishedAt == scansBefore, "no scan ran")
    }
}
