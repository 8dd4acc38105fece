import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MonitorWeb

/// The bearer-token rule of SPEC §9.
@Suite struct AccessTests {
    let fixture: WebFixture
    let environment = ["MONITOR_API_TOKEN": "correct horse battery staple"]
    init() throws { fixture = try WebFixture(apiTokenEnv: "MONITOR_API_TOKEN") }

    @Test(arguments: [
        nil, "Bearer wrong", "Bearer correct horse battery stapl", "Bearer correct horse battery staplee",
        "Basic Y29ycmVjdA==", "bearer correct horse battery staple", "Bearer ",
    ])
    func everyAPIRouteNeedsTheToken(header: String?) async throws {
        try await fixture.application(environment: environment).test(.router) { client in
            for (uri, method) in [
                ("/api/jobs", HTTPRequest.Method.get), ("/api/jobs/db", .get), ("/api/jobs/db/occurrences", .get),
                ("/api/revisions", .get), ("/api/scan", .post), ("/api/unknown", .get),
            ] {
                let headers: HTTPFields = header.map { [.authorization: $0] } ?? [:]
                try await client.execute(uri: uri, method: method, headers: headers) { response in
                    #expect(response.status == .unauthorized, "\(method) \(uri)")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                    let message = try #require(try response.json()["error"] as? String)
                    #expect(message.contains("$MONITOR_API_TOKEN"))
                    #expect(!response.text.contains("horse"), "the token never appears in an answer")
                }
            }
        }
    }

    @Test func theRightTokenOpensEveryRoute() async throws {
        try await fixture.application(environment: environment).test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer correct horse battery staple"]
            for uri in ["/api/jobs", "/api/jobs/db", "/api/revisions"] {
                try await client.execute(uri: uri, method: .get, headers: auth) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(!response.text.contains("horse"))
                }
            }
            try await client.execute(uri: "/api/scan", method: .post, headers: auth) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func healthMetricsAndDashboardStayOpen() async throws {
        try await fixture.application(environment: environment).test(.router) { client in
            for uri in ["/", "/dashboard.js", "/dashboard.css", "/metrics"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                }
            }
        }
    }

    @Test func anUnsetVariableMeansNoToken() async throws {
        try await fixture.application(environment: [:]).test(.router) { client in
            try await client.execute(uri: "/api/jobs", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/scan", method: .post) { response in
                #expect(response.status == .forbidden)
                #expect(
                    (try? response.json())?["error"] as? String
                        == "POST /api/scan needs an API token: $MONITOR_API_TOKEN is not set in the daemon's environment")
            }
        }
    }

    @Test func constantTimeComparison() {
        typealias Access = APIAccessMiddleware<BasicRequestContext>
        #expect(Access.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!Access.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!Access.constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!Access.constantTimeEqual([], Array("a".utf8)))
        #expect(Access.constantTimeEqual([], []))
    }
}
