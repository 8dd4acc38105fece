import Foundation
import Hummingbird
import HummingbirdTesting
import MonitorCore
import Testing

@testable import MonitorWeb

/// Every JSON route and error, through the router without a socket, on a real SQLite state.
@Suite struct APIRouteTests {
    let fixture: WebFixture
    init() throws { fixture = try WebFixture() }

    @Test func jobsListsEveryJobWithTheStatusShapes() async throws {
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/jobs", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let body = try response.json()
                #expect(body["generated_at"] as? String == WebFixture.scanTime)
                let jobs = try #require(body["jobs"] as? [[String: Any]])
                #expect(jobs.map { $0["name"] as? String } == ["db", "idle", "web"])
                let status = Dictionary(uniqueKeysWithValues: jobs.map { ($0["name"] as! String, $0["status"] as! String) })
                #expect(status == ["db": "SUCCESS", "idle": "PENDING", "web": "FAILED"])
                let db = jobs[0]
                #expect(db["description"] as? String == WebFixture.hostileDescription)
                #expect(db["last_success_at"] as? String == "2026-11-21T02:10:00Z")
                #expect((db["current_version"] as? [String: Any])?["files"] as? Int == 1)
                #expect(jobs[1]["last_success_at"] is NSNull)
            }
        }
    }

    @Test func oneJobHasItsOccurrences() async throws {
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/jobs/web", method: .get) { response in
                #expect(response.status == .ok)
                let occurrences = try #require(try response.json()["occurrences"] as? [[String: Any]])
                #expect(occurrences.count == 1)
                #expect(occurrences[0]["state"] as? String == "FAILED")
                #expect(occurrences[0]["message"] as? String == WebFixture.hostileMessage)
            }
            try await client.execute(uri: "/api/jobs/web/occurrences?limit=1", method: .get) { response in
                #expect(response.status == .ok)
                let body = try response.json()
                #expect(body["job"] as? String == "web")
                #expect((body["occurrences"] as? [Any])?.count == 1)
            }
        }
    }

    @Test func unknownJobIs404JSON() async throws {
        try await fixture.application().test(.router) { client in
            for uri in ["/api/jobs/nope", "/api/jobs/nope/occurrences"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect((try? response.json())?["error"] as? String == "no active job named \"nope\"")
                }
            }
            try await client.execute(uri: "/api/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                #expect((try? response.json())?["error"] as? String != nil)
            }
        }
    }

    @Test(arguments: ["0", "-1", "abc", "1001", "99999999999999999999999", ""])
    func badLimitIs400JSON(limit: String) async throws {
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/jobs/db/occurrences?limit=\(limit)", method: .get) { response in
                #expect(response.status == .badRequest)
                let message = try #require(try response.json()["error"] as? String)
                #expect(message.hasPrefix("limit must be a whole number from 1 to 1000"))
            }
        }
    }

    @Test func revisionsListTheAppliedRevisions() async throws {
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/revisions", method: .get) { response in
                #expect(response.status == .ok)
                let revisions = try #require(try response.json()["revisions"] as? [[String: Any]])
                #expect(revisions.count == 1)
                #expect(revisions[0]["id"] as? Int == 1)
                #expect(revisions[0]["applied_at"] as? String == WebFixture.applyTime)
            }
        }
    }

    @Test func postWithoutAConfiguredTokenIs403() async throws {
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/scan", method: .post) { response in
                #expect(response.status == .forbidden)
                #expect(((try? response.json())?["error"] as? String ?? "") != "")
            }
        }
    }

    @Test func aNewRevisionShowsUpAfterAScan() async throws {
        let later = Job(name: "later", destination: "nas", schedule: try CronSchedule(parsing: "0 4 * * *"), window: TimeSpan(seconds: 3_600))
        let fixture = try WebFixture(apiTokenEnv: "MONITOR_TOKEN")
        let app = buildApplication(try fixture.dependencies(environment: ["MONITOR_TOKEN": "s3cret"]), listen: .init(host: "127.0.0.1", port: 0))
        try await app.test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer s3cret"]
            try await client.execute(uri: "/api/jobs", method: .get, headers: auth) { response in
                #expect(((try? response.json())?["jobs"] as? [Any])?.count == 3)
            }
            try fixture.apply(try WebFixture.jobs(extra: [later]), apiTokenEnv: "MONITOR_TOKEN", scanInterval: 900, baseRevision: 1)
            try await client.execute(uri: "/api/scan", method: .post, headers: auth) { response in
                #expect(response.status == .ok)
                let summary = try response.json()
                #expect(summary["jobs"] as? Int == 4)
                #expect(summary["clock"] as? String == WebFixture.scanTime)
            }
            try await client.execute(uri: "/api/jobs", method: .get, headers: auth) { response in
                let jobs = try #require(try response.json()["jobs"] as? [[String: Any]])
                #expect(jobs.map { $0["name"] as? String } == ["db", "idle", "later", "web"])
            }
        }
    }
}
