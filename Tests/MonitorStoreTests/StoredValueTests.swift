import Foundation
import GRDB
import MonitorCore
import Testing

@testable import MonitorStore

/// Values read back from the state are checked, never force-unwrapped: a state edited by hand
/// or written by a newer monitor gives an error that says what is wrong, not a crash.
@Suite struct StoredValueTests {
    static func store() throws -> (StateStore, String) {
        let folder = NSTemporaryDirectory() + "monitor-stored-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try StateStore.open(path: folder + "/s.sqlite", create: true)
        _ = try store.apply(
            Samples.desired(), baseRevision: 0,
            context: ApplyContext(
                configPath: "/etc/monitor.yaml", git: nil, user: "ops", host: "h", now: Timestamp.parse("2026-11-20T12:00:00Z")!))
        let job = try #require(try store.activeJobs().first).job.name
        var update = JobLedgerUpdate(job: job)
        let scheduled = Timestamp.parse("2026-11-21T02:00:00Z")!
        update.occurrences = [
            OccurrenceRecord(occurrence: Occurrence(scheduledAt: scheduled, windowEnd: scheduled.addingTimeInterval(3_600)), state: .failed)
        ]
        try store.record(update, at: scheduled)
        return (store, job)
    }

    @Test func aStoredTimeThatIsNotATimeIsAnErrorNamingTheColumn() throws {
        let (store, job) = try Self.store()
        try DatabaseQueue(path: store.path).write { db in try db.execute(sql: "UPDATE occurrence SET window_end = 'yesterday-ish'") }
        #expect(
            throws: StoreError.corrupt(
                reason: "window_end holds \"yesterday-ish\", not a time (edited by hand, or damaged: restore the state from a backup)")
        ) {
            _ = try store.ledgers(for: [(job: job, statusSHA256: nil)])
        }
    }

    @Test func aVerdictFromANewerMonitorIsNamedNotShownAsSomethingElse() throws {
        let (store, job) = try Self.store()
        try DatabaseQueue(path: store.path).write { db in
            try db.execute(sql: "INSERT INTO verdict_name (name) VALUES ('FROM_THE_FUTURE')")
            try db.execute(sql: "UPDATE occurrence SET state = 'FROM_THE_FUTURE'")
        }
        #expect(
            throws: StoreError.corrupt(
                reason: "state holds \"FROM_THE_FUTURE\", a verdict this monitor does not know (written by a newer monitor? upgrade it)")
        ) {
            _ = try store.ledgers(for: [(job: job, statusSHA256: nil)])
        }
    }

    @Test func theSchemaRefusesAVerdictNoMonitorKnows() throws {
        let (store, _) = try Self.store()
        #expect(throws: (any Error).self) {
            try DatabaseQueue(
                path: store.path,
                configuration: {
                    var c = Configuration()
                    c.foreignKeysEnabled = true
                    return c
                }()
            ).write { db in
                try db.execute(sql: "UPDATE occurrence SET state = 'NOT_A_VERDICT'")
            }
        }
    }
}
