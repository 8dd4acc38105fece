import Foundation
import GRDB
import MonitorCore
import MonitorStore
import MonitorTestSupport
import Testing

@testable import MonitorRuntime

/// A state written by the previous release (Fixtures/state-v1) opens, migrates and scans with
/// everything it held intact: operators upgrade in place.
@Suite struct GoldenStateTests {
    /// A copy of the fixture in a temporary folder (the fixture itself is never written).
    static func copy() throws -> (store: StateStore, folder: URL) {
        let source = try #require(Bundle.module.url(forResource: "Fixtures/state-v1/state", withExtension: "sqlite"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("state.sqlite")
        try FileManager.default.copyItem(at: source, to: path)
        return (try StateStore.open(path: path.path, create: false), folder)
    }

    @Test func theLastReleasesStateOpensWithEverythingItHeld() throws {
        let (store, folder) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }

        let views = try store.jobViews(now: at("2026-11-22T06:00:00Z"))
        #expect(views.map { "\($0.name) \($0.status.rawValue)" } == ["broken MISSING", "ok SUCCESS", "silent MISSING", "tampered MISSING"])
        let ok = try #require(views.first { $0.name == "ok" })
        #expect(ok.currentVersion?.id == "20261122T021000Z-f6fb1b5e")
        #expect(ok.lastSuccessAt == at("2026-11-22T02:10:00Z"))
        #expect(ok.labels == ["team": "data"])
        let broken = try #require(try store.jobViews(now: at("2026-11-22T06:00:00Z"), named: ["broken"], occurrenceLimit: 10).first)
        #expect(broken.occurrences?.last?.record.state == .failed)
        #expect(broken.occurrences?.last?.record.message == "disk full on db1")

        let rows = try DatabaseQueue(path: store.path).read { db in
            (
                states: try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM occurrence GROUP BY state ORDER BY state")
                    .map { "\($0["state"] as String) \($0["n"] as Int)" },
                events: try Row.fetchAll(db, sql: "SELECT event, count(*) AS n FROM outbox GROUP BY event ORDER BY event")
                    .map { "\($0["event"] as String) \($0["n"] as Int)" },
                channels: try String.fetchAll(db, sql: "SELECT channel FROM alert_route ORDER BY name"),
                migrations: try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            )
        }
        #expect(rows.states == ["FAILED 1", "HASH_MISMATCH 1", "MISSING 9", "SUCCESS 2"])
        #expect(rows.events == ["FAILED 2", "HASH_MISMATCH 1", "MISSING 5"])
        #expect(rows.channels == ["webhook", "email"])
        // Every migration since ran on it, in order, the release's own two first.
        #expect(Array(rows.migrations.prefix(3)) == ["v1-configuration-and-ledger", "v2-vocabulary-tables", "v3-run-figures-and-scrub"])
        let applied = try #require(try store.appliedState().desired)
        #expect(applied.routes.map(\.name).sorted() == ["hook", "mail"])
    }

    @Test func theLastReleasesStateScansOn() throws {
        let (store, folder) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = try Scanner(store: store).scan(now: at("2026-11-23T06:00:00Z"))
        #expect(summary.errors.isEmpty, "\(summary.errors)")
        #expect(summary.jobs == 4)
        #expect((summary.verdicts[.missing] ?? 0) >= 3, "the night of the 23rd is MISSING for the three daily jobs")
        // The outbox takes new rows next to the old ones, under the schema's own constraints.
        #expect(summary.notifications > 0)
        let views = try store.jobViews(now: at("2026-11-23T06:00:00Z"))
        #expect(views.first { $0.name == "ok" }?.currentVersion?.id == "20261122T021000Z-f6fb1b5e")
    }
}
