import Foundation
import Hummingbird
import HummingbirdTesting
import MonitorCore
import Testing

@testable import MonitorWeb

/// `GET /api/jobs/{name}/history.svg`: the report's charts for the dashboard's job detail.
@Suite struct JobHistoryRouteTests {
    let fixture: WebFixture
    init() throws { fixture = try WebFixture() }

    @Test func aKnownJobIsAnSVGOfItsOccurrencesAndSizes() async throws {
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/jobs/web/history.svg", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/svg+xml; charset=utf-8")
                #expect(response.headers[.contentSecurityPolicy] == "default-src 'none'; style-src 'unsafe-inline'")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                let svg = response.text
                #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
                #expect(svg.hasSuffix("</svg>\n"))
                // One FAILED mark, its hostile message escaped in the tooltip.
                #expect(svg.components(separatedBy: "<rect class=\"v-").count - 1 == 1)
                #expect(svg.contains("<title>2026-11-21 02:00 UTC — FAILED: &lt;script&gt;alert(1)&lt;/script&gt;</title>"))
                #expect(!svg.contains("<script"))
                #expect(svg.contains("No version promoted in the period"))
            }
            try await client.execute(uri: "/api/jobs/db/history.svg", method: .get) { response in
                #expect(response.status == .ok)
                let svg = response.text
                #expect(svg.contains("<rect class=\"v-SUCCESS\""))
                #expect(svg.components(separatedBy: "<circle").count - 1 == 1, "one promoted version")
                #expect(svg.contains("Last 1 occurrence: 1 SUCCESS"))
            }
        }
    }

    @Test func anUnknownJobIs404JSON() async throws {
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/jobs/nope/history.svg", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect((try? response.json())?["error"] as? String == "no active job named \"nope\"")
            }
        }
    }

    @Test func withATokenConfiguredItNeedsTheToken() async throws {
        let fixture = try WebFixture(apiTokenEnv: "MONITOR_API_TOKEN")
        let environment = ["MONITOR_API_TOKEN": "correct horse battery staple"]
        try await fixture.application(environment: environment).test(.router) { client in
            for header in [nil, "Bearer wrong"] as [String?] {
                let headers: HTTPFields = header.map { [.authorization: $0] } ?? [:]
                try await client.execute(uri: "/api/jobs/db/history.svg", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                    #expect(!response.text.contains("<svg"))
                }
            }
            try await client.execute(
                uri: "/api/jobs/db/history.svg", method: .get,
                headers: [.authorization: "Bearer correct horse battery staple"]
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/svg+xml; charset=utf-8")
            }
        }
    }

    @Test func theDashboardMayShowBlobImagesAndNeverUsesInnerHTML() {
        #expect(DashboardController<BasicRequestContext>.contentSecurityPolicy.contains("img-src 'self' blob:;"))
        #expect(DashboardScript.js.contains("/history.svg"))
        #expect(DashboardScript.js.contains("URL.createObjectURL"))
        #expect(!DashboardScript.js.contains("innerHTML"))
    }
}
