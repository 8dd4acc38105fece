import Foundation
import Hummingbird
import HummingbirdTesting
import MonitorCore
import MonitorRuntime
import MonitorStore
import MonitorTestSupport
import Testing

@testable import MonitorWeb

/// `GET /api/jobs` for a dashboard of many jobs: an entity tag that holds while the jobs do,
/// `304` to a matching `If-None-Match`, gzip when accepted, `?status=&label=&q=` filters on
/// the cached document, each job's recent occurrences, and `HEAD` alike.
@Suite struct JobsListRouteTests {
    static let gzip: HTTPFields = [.acceptEncoding: "gzip, deflate, br"]

    static func jobs(_ response: TestResponse) throws -> [[String: Any]] {
        try #require(try response.json()["jobs"] as? [[String: Any]])
    }

    static func names(_ response: TestResponse) throws -> [String] {
        try jobs(response).compactMap { $0["name"] as? String }
    }

    /// The bytes of a gzip stream, decompressed by the system's `gzip`, not by the code under test.
    static func gunzip(_ body: ByteBuffer) throws -> Data {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-gzip-\(UUID().uuidString).gz")
        try Data(buffer: body).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", file.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "gzip -d: \(message)")
        return data
    }

    @Test func theTagHoldsWhileTheJobsDoAndAMatchingIfNoneMatchIsANotModified() async throws {
        let fixture = try WebFixture()
        let dependencies = try fixture.dependencies()
        try await buildApplication(dependencies, listen: ListenAddress(host: "127.0.0.1", port: 0)).test(.router) { client in
            let first = try await client.execute(uri: "/api/jobs", method: .get)
            #expect(first.status == .ok)
            let etag = try #require(first.headers[.eTag])
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count > 10, "a strong, quoted tag: \(etag)")
            #expect(first.headers[.vary] == "Accept-Encoding")
            #expect(first.headers[.contentType] == "application/json; charset=utf-8")
            #expect(first.headers[.contentEncoding] == nil)

            for condition in [etag, "W/\(etag)", "\"elsewhere\", \(etag)", "\"a,b\" ,W/\(etag)", "*"] {
                let again = try await client.execute(uri: "/api/jobs", method: .get, headers: [.ifNoneMatch: condition])
                #expect(again.status == .notModified, "If-None-Match: \(condition)")
                #expect(again.body.readableBytes == 0)
                #expect(again.headers[.eTag] == etag)
                #expect(again.headers[.vary] == "Accept-Encoding")
            }
            for condition in ["\"elsewhere\"", etag.dropLast() + "x\"", "", "W/"] {
                let other = try await client.execute(uri: "/api/jobs", method: .get, headers: [.ifNoneMatch: String(condition)])
                #expect(other.status == .ok, "If-None-Match: \(condition)")
                #expect(other.body == first.body)
            }

            // A scan that changes nothing, and the clock passing the cache's maximum age: the same tag.
            _ = try await dependencies.scans.scan()
            fixture.clock.set(fixture.clock.now.addingTimeInterval(90))
            let unchanged = try await client.execute(uri: "/api/jobs", method: .get, headers: [.ifNoneMatch: etag])
            #expect(unchanged.status == .notModified, "no job changed: \(unchanged.headers)")

            // A new status file, scanned: the jobs changed, so does the tag.
            try fixture.stage("web", ["site.tar": Data("site".utf8)])
            _ = try StatusFileWriter.seal(
                folder: fixture.staging("web").path, status: .success, job: "web", message: nil, startedAt: nil,
                finishedAt: at("2026-11-21T02:40:00Z"))
            _ = try await dependencies.scans.scan()
            let changed = try await client.execute(uri: "/api/jobs", method: .get, headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != etag)
            let web = try #require(try Self.jobs(changed).first { $0["name"] as? String == "web" })
            #expect(web["status"] as? String == "SUCCESS")
        }
    }

    @Test func gzipWhenAcceptedWithItsOwnTagAndTheSameJSON() async throws {
        let fixture = try WebFixture()
        try await fixture.application().test(.router) { client in
            let plain = try await client.execute(uri: "/api/jobs", method: .get)
            let packed = try await client.execute(uri: "/api/jobs", method: .get, headers: Self.gzip)
            #expect(packed.status == .ok)
            #expect(packed.headers[.contentEncoding] == "gzip")
            #expect(packed.headers[.vary] == "Accept-Encoding")
            #expect(packed.headers[.contentType] == "application/json; charset=utf-8")
            #expect(packed.headers[.contentLength] == String(packed.body.readableBytes))
            #expect(packed.body.readableBytes < plain.body.readableBytes)
            #expect(try Self.gunzip(packed.body) == Data(buffer: plain.body), "the same document, byte for byte")
            let packedTag = try #require(packed.headers[.eTag])
            #expect(packedTag != plain.headers[.eTag], "each content coding has its own strong tag")
            let again = try await client.execute(
                uri: "/api/jobs", method: .get, headers: [.acceptEncoding: "gzip", .ifNoneMatch: packedTag])
            #expect(again.status == .notModified)
            // Compressed once per version: the same bytes again.
            let second = try await client.execute(uri: "/api/jobs", method: .get, headers: Self.gzip)
            #expect(second.body == packed.body)

            for (accept, gzipped) in [
                ("gzip;q=0", false), ("*", true), ("br, *;q=0.5", true), ("gzip;q=0, *", false), ("br", false),
                ("identity", false), ("GZIP;Q=0.3", true), ("x-gzip", true),
            ] {
                let answer = try await client.execute(uri: "/api/jobs", method: .get, headers: [.acceptEncoding: accept])
                #expect((answer.headers[.contentEncoding] == "gzip") == gzipped, "Accept-Encoding: \(accept)")
            }
        }
    }

    @Test func filtersAnswerTheMatchingJobsOfTheCachedDocument() async throws {
        let fixture = try WebFixture()
        try await fixture.application().test(.router) { client in
            let all = try await client.execute(uri: "/api/jobs", method: .get)
            let everyJob = try Self.jobs(all)
            #expect(try Self.names(all) == ["db", "idle", "web"])
            let cases: [(String, [String])] = [
                ("status=FAILED", ["web"]),
                ("status=failed", ["web"]),
                ("status=SUCCESS,FAILED", ["db", "web"]),
                ("status=SUCCESS&status=PENDING", ["db", "idle"]),
                ("status=", ["db", "idle", "web"]),
                ("status=MISSING", []),
                ("label=team=data", ["db"]),
                ("label=team%3Dweb", ["web"]),
                ("label=team=data&label=team=web", []),
                ("label=team=nobody", []),
                ("q=WE", ["web"]),
                ("q=onerror", ["db"]),
                ("q=%3Cimg+src", ["db"]),
                ("q=d", ["db", "idle"]),
                ("status=SUCCESS,FAILED&q=w", ["web"]),
                ("status=FAILED&label=team=data", []),
            ]
            for (query, expected) in cases {
                let answer = try await client.execute(uri: "/api/jobs?\(query)", method: .get)
                #expect(answer.status == .ok, "?\(query): \(answer.text)")
                #expect(try Self.names(answer) == expected, "?\(query)")
                // The same JSON objects as in the whole document, and the same generated_at.
                let jobs = try Self.jobs(answer)
                let whole = everyJob.filter { expected.contains($0["name"] as? String ?? "") }
                #expect((jobs as NSArray).isEqual(to: whole), "?\(query)")
                #expect(try answer.json()["generated_at"] as? String == (try all.json()["generated_at"] as? String))
            }
        }
    }

    @Test func aFilteredAnswerHasItsOwnTagAnd304AndGzip() async throws {
        let fixture = try WebFixture()
        try await fixture.application().test(.router) { client in
            let all = try await client.execute(uri: "/api/jobs", method: .get)
            let failed = try await client.execute(uri: "/api/jobs?status=FAILED", method: .get)
            let tag = try #require(failed.headers[.eTag])
            #expect(tag != all.headers[.eTag])
            let respelt = try await client.execute(uri: "/api/jobs?status=failed,FAILED", method: .get, headers: [.ifNoneMatch: tag])
            #expect(respelt.status == .notModified, "the same filter spelt otherwise has the same tag")
            let other = try await client.execute(uri: "/api/jobs?status=SUCCESS", method: .get, headers: [.ifNoneMatch: tag])
            #expect(other.status == .ok)
            #expect(other.headers[.eTag] != tag)
            // Large enough to be worth compressing: every job but none.
            let many = try await client.execute(uri: "/api/jobs?status=SUCCESS,FAILED,PENDING", method: .get)
            let packed = try await client.execute(uri: "/api/jobs?status=SUCCESS,FAILED,PENDING", method: .get, headers: Self.gzip)
            if many.body.readableBytes >= JobsDocument.gzipThreshold {
                #expect(packed.headers[.contentEncoding] == "gzip")
                #expect(try Self.gunzip(packed.body) == Data(buffer: many.body))
            } else {
                #expect(packed.headers[.contentEncoding] == nil)
            }
        }
    }

    @Test func badFiltersAreRefusedWithAJSONError() async throws {
        let fixture = try WebFixture()
        try await fixture.application().test(.router) { client in
            let cases: [(String, String)] = [
                ("status=DONE", "unknown status \"DONE\" in ?status=; use one of SUCCESS, FAILED"),
                ("status=SUCCESS,nope", "unknown status \"nope\""),
                ("label=team", "?label= takes KEY=VALUE"),
                ("label==data", "?label= takes KEY=VALUE"),
                ("stauts=FAILED", "unknown query parameter \"stauts\" for /api/jobs"),
                ("q=a&q=b", "?q= may be given once"),
                ("q=%zz", "not valid percent-encoding"),
            ]
            for (query, message) in cases {
                let answer = try await client.execute(uri: "/api/jobs?\(query)", method: .get)
                #expect(answer.status == .badRequest, "?\(query)")
                #expect(answer.headers[.contentType] == "application/json; charset=utf-8")
                let error = try answer.json()["error"] as? String ?? ""
                #expect(error.contains(message), "?\(query): \(error)")
            }
            // A parameter that is no filter, such as a client's cache-buster, is ignored as before.
            let all = try await client.execute(uri: "/api/jobs", method: .get)
            let busted = try await client.execute(uri: "/api/jobs?_=1733230000", method: .get)
            #expect(busted.status == .ok)
            #expect(try Self.jobs(busted).count == (try Self.jobs(all)).count)
        }
    }

    /// Each job carries its latest occurrences, newest first, in the occurrence shape's names.
    @Test func eachJobCarriesItsRecentOccurrences() async throws {
        let fixture = try WebFixture()
        try await fixture.application().test(.router) { client in
            let jobs = try Self.jobs(try await client.execute(uri: "/api/jobs", method: .get))
            let recent = Dictionary(uniqueKeysWithValues: jobs.map { ($0["name"] as? String ?? "", $0["recent"] as? [[String: String]]) })
            #expect(recent["db"] == [["scheduled_at": "2026-11-21T02:00:00Z", "state": "SUCCESS"]])
            #expect(recent["web"] == [["scheduled_at": "2026-11-21T02:00:00Z", "state": "FAILED"]])
            #expect(recent["idle"] == [["scheduled_at": "2026-11-21T02:00:00Z", "state": "PENDING"]])
            // The one-job answer keeps its own shape.
            let one = try await client.execute(uri: "/api/jobs/db", method: .get)
            #expect(try one.json()["recent"] == nil)
            #expect(try one.json()["occurrences"] != nil)
        }
    }

    @Test func headAnswersLikeGetForFiltersGzipAnd304() async throws {
        let fixture = try WebFixture()
        try await fixture.application().test(.router) { client in
            let etag = try #require(try await client.execute(uri: "/api/jobs", method: .get).headers[.eTag])
            let requests: [(String, HTTPFields)] = [
                ("/api/jobs", [:]), ("/api/jobs", Self.gzip), ("/api/jobs?status=FAILED", [:]), ("/api/jobs", [.ifNoneMatch: etag]),
                ("/api/jobs?status=DONE", [:]),
            ]
            for (uri, headers) in requests {
                let get = try await client.execute(uri: uri, method: .get, headers: headers)
                let head = try await client.execute(uri: uri, method: .head, headers: headers)
                #expect(head.status == get.status, "HEAD \(uri) \(headers)")
                #expect(head.headers == get.headers, "HEAD \(uri) \(headers)")
                #expect(head.body.readableBytes == 0)
            }
        }
    }

    /// Over a real connection: the 304 has no body, and the connection goes on to the next answer.
    @Test func overTheWireA304EndsWhereTheNextAnswerBegins() async throws {
        let fixture = try WebFixture()
        try await fixture.application().test(.live) { client in
            let port = try #require(client.port)
            let first = try await RawHTTP.exchange(port: port, RawHTTP.request("GET", "/api/jobs"), timeout: 30)
            let etag = try #require(first.header("ETag"))
            let keepAlive = "GET /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: \(etag)\r\n\r\n"
            let answer = try await RawHTTP.exchange(port: port, keepAlive + RawHTTP.request("GET", "/healthz"), timeout: 30)
            #expect(answer.status == 304)
            #expect(answer.header("Content-Length") == nil)
            #expect(answer.header("Transfer-Encoding") == nil)
            #expect(
                answer.body.hasPrefix("HTTP/1.1 503") || answer.body.hasPrefix("HTTP/1.1 200"), "the next answer follows at once:\n\(answer.body)")
        }
    }
}
