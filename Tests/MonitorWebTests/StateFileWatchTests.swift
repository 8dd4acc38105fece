import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MonitorStore
import MonitorTestSupport
import Testing

@testable import MonitorWeb

/// A state file deleted or replaced under the daemon is noticed (issue 12: the daemon kept
/// scanning the unlinked file and `/healthz` stayed 200).
@Suite(.enabled(if: TestState.isSQLite, "about the SQLite file")) struct StateFileWatchTests {
    @Test func aRemovedOrReplacedFileIsAProblem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("state.sqlite")
        try Data("x".utf8).write(to: file)
        let watch = StateFileWatch(path: file.path, logger: Logger(label: "test"))
        #expect(watch.problem() == nil)
        try Data("changed in place".utf8).write(to: file, options: [])  // same file, new content
        #expect(watch.problem() == nil)

        let other = folder.appendingPathComponent("new.sqlite")
        try Data("y".utf8).write(to: other)
        #expect(rename(other.path, file.path) == 0)
        #expect(watch.problem()?.contains("replaced") == true)
        #expect(watch.problem()?.contains("restart monitor run") == true)

        try FileManager.default.removeItem(at: file)
        #expect(watch.problem()?.contains("removed") == true)
    }

    @Test func healthIs503AndScansStopOnceTheStateFileIsGone() async throws {
        let fixture = try WebFixture()
        let dependencies = try fixture.dependencies()
        let app = buildApplication(dependencies, listen: .init(host: "127.0.0.1", port: 0))
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            try FileManager.default.removeItem(atPath: fixture.store.path)
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let status = try #require(try response.json()["status"] as? String)
                #expect(status.contains("was removed"), "\(status)")
            }
        }
        await #expect(throws: StoreError.self) { _ = try await dependencies.scans.scan() }
    }
}
