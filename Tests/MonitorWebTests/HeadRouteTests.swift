import Foundation
import Hummingbird
import HummingbirdTesting
import MonitorTestSupport
import Testing

@testable import MonitorWeb

/// `HEAD` on every `GET` route answers what `GET` answers, without the body (issue 12:
/// `HEAD /healthz` and `HEAD /metrics` were 404).
@Suite struct HeadRouteTests {
    static let getRoutes = [
        "/", "/dashboard.css", "/dashboard.js", "/healthz", "/metrics", "/api/jobs", "/api/jobs/db",
        "/api/jobs/db/occurrences", "/api/jobs/db/occurrences?limit=1", "/api/jobs/db/history.svg",
        "/api/revisions", "/api/jobs/nope", "/api/jobs/db/occurrences?limit=0",
    ]

    @Test func headAnswersLikeGetWithoutABody() async throws {
        let fixture = try WebFixture(apiTokenEnv: "MONITOR_API_TOKEN")
        let auth: HTTPFields = [.authorization: "Bearer t0ken"]
        try await fixture.application(environment: ["MONITOR_API_TOKEN": "t0ken"]).test(.router) { client in
            for uri in Self.getRoutes {
                let get = try await client.execute(uri: uri, method: .get, headers: auth)
                let head = try await client.execute(uri: uri, method: .head, headers: auth)
                #expect(head.status == get.status, "HEAD \(uri)")
                #expect(head.headers == get.headers, "HEAD \(uri)")
                #expect(head.body.readableBytes == 0, "HEAD \(uri)")
                #expect(get.body.readableBytes > 0, "GET \(uri)")
            }
            // Without the token, HEAD on an API route meets the same rule as GET.
            #expect(try await client.execute(uri: "/api/jobs", method: .head).status == .unauthorized)
        }
    }

    @Test func headOverTheWireHasNoBody() async throws {
        let fixture = try WebFixture()
        try await fixture.application().test(.live) { client in
            let port = try #require(client.port)
            for path in ["/healthz", "/metrics", "/"] {
                let answer = try await RawHTTP.exchange(port: port, RawHTTP.request("HEAD", path))
                #expect(answer.status == 200, "HEAD \(path)")
                #expect(Int(answer.header("Content-Length") ?? "") ?? 0 > 0, "HEAD \(path) tells the GET body's length")
                #expect(answer.body.isEmpty, "HEAD \(path)")
            }
        }
    }
}
