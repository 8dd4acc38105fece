import Foundation
import MonitorCore
import MonitorStore
import MonitorTestSupport
import Testing

@testable import MonitorRuntime

/// The scanner reads ledgers a batch of jobs at a time. The verdicts, promotions and ledger
/// must not depend on where the batches end: the same sandbox scanned with tiny batches (by
/// count and by bytes held) and with the default ones gives the same state.
@Suite struct ScannerBatchTests {
    static let jobCount = 40
    static func time(_ text: String) -> Date { Timestamp.parse(text)! }

    /// A state with `jobCount` daily jobs: every third one's producer reports FAILED, every
    /// fifth one's file was changed after sealing, every seventh one has no status file.
    struct Sandbox {
        let root: URL
        let store: StateStore

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-batch-\(UUID().uuidString)")
            let backups = root.appendingPathComponent("backups")
            try FileManager.default.createDirectory(at: backups, withIntermediateDirectories: true)
            store = try StateStore.open(path: TestState.location(root.appendingPathComponent("state.sqlite").path), create: true)
            let schedule = try CronSchedule(parsing: "0 2 * * *")
            let jobs = (0..<ScannerBatchTests.jobCount).map { index in
                Job(name: String(format: "job-%03d", index), destination: "nas", schedule: schedule, window: TimeSpan(seconds: 10_800))
            }
            try store.apply(
                DesiredState(
                    settings: Settings(state: store.path), destinations: [Destination(name: "nas", path: backups.path)],
                    routes: [], jobs: jobs),
                baseRevision: 0,
                context: ApplyContext(configPath: "/etc/monitor.yaml", git: nil, user: "t", host: "h", now: time("2026-11-20T12:00:00Z")))
            for (index, job) in jobs.enumerated() where index % 7 != 0 {
                let staging = backups.appendingPathComponent(job.name).appendingPathComponent("staging")
                try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
                let dump = staging.appendingPathComponent("dump.bin")
                try Data(repeating: UInt8(index), count: 2_000 + index).write(to: dump)
                _ = try StatusFileWriter.seal(
                    folder: staging.path, status: index % 3 == 0 ? .failed : .success, job: job.name,
                    message: "run \(index)", startedAt: nil, finishedAt: time("2026-11-21T02:30:00Z"))
                if index % 5 == 0 { try Data("changed after sealing".utf8).write(to: dump) }
            }
        }

        /// The ledger and the versions on disk, in a form two sandboxes can be compared by.
        func outcome() throws -> [String] {
            try store.jobViews(now: time("2026-11-21T06:00:00Z"), occurrenceLimit: 10).map { view in
                let occurrences = (view.occurrences ?? []).map { "\($0.record.state.rawValue)\($0.record.late ? "+late" : "")" }
                let current = root.appendingPathComponent("backups/\(view.name)/current_version")
                let promoted = FileManager.default.fileExists(atPath: current.appendingPathComponent("dump.bin").path)
                return "\(view.name) \(view.status.rawValue) \(occurrences) version=\(view.currentVersion != nil) promoted=\(promoted)"
            }
        }
    }

    @Test func batchBoundariesChangeNothing() throws {
        let reference = try Sandbox()
        let batched = try Sandbox()
        defer {
            try? FileManager.default.removeItem(at: reference.root)
            try? FileManager.default.removeItem(at: batched.root)
        }
        var tiny = Scanner(store: batched.store)
        tiny.batchSize = 3
        tiny.batchByteLimit = 600  // two status files of about 300 bytes fill it

        for now in ["2026-11-21T03:00:00Z", "2026-11-21T06:00:00Z"] {
            let one = try Scanner(store: reference.store).scan(now: Self.time(now))
            let other = try tiny.scan(now: Self.time(now))
            #expect(one.errors.isEmpty && other.errors.isEmpty)
            #expect(one.verdicts == other.verdicts)
            #expect(one.promoted == other.promoted)
            #expect(one.statusFiles == other.statusFiles)
        }
        let expected = try reference.outcome()
        #expect(try batched.outcome() == expected)

        // The sandbox really covers every case, so the comparison means something.
        let statuses = Set(expected.map { $0.split(separator: " ")[1] })
        #expect(statuses == ["SUCCESS", "FAILED", "HASH_MISMATCH", "MISSING"])
        #expect(
            expected.filter { $0.hasSuffix("promoted=true") }.count == (0..<Self.jobCount).filter { $0 % 7 != 0 && $0 % 3 != 0 && $0 % 5 != 0 }.count)

        // Scanning again finds nothing new, in either.
        let again = try tiny.scan(now: Self.time("2026-11-21T06:00:00Z"))
        #expect(again.statusFiles == 0 && again.promoted == 0 && again.verdicts.isEmpty)
    }
}
