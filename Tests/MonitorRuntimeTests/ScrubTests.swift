import Foundation
import GRDB
import MonitorCore
import MonitorStore
import Testing

@testable import MonitorRuntime

/// The scrub over real promoted versions in a temporary folder and a real state: what it finds
/// when a kept file changes, disappears or its whole folder goes, how it records it (once), how
/// a budget spreads the work over several passes, and how it resumes after a stop.
@Suite(.serialized) struct ScrubTests {
    static func time(_ text: String) -> Date { Timestamp.parse(text)! }
    static let every = ScrubSettings(every: TimeSpan(seconds: 86_400), budget: TimeSpan(seconds: 60))

    /// A state with one daily job `db` (02:00 UTC, 3 h window) and one route hearing every problem.
    final class Sandbox {
        let root: URL
        let store: StateStore
        let verify: Verification

        init(keepVersions: Int = 3, verify: Verification = .sha256) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-scrub-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("backups"), withIntermediateDirectories: true)
            self.verify = verify
            store = try StateStore.open(path: root.appendingPathComponent("state.sqlite").path, create: true)
            let job = Job(
                name: "db", destination: "nas", schedule: try CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 10_800),
                verify: verify, routes: ["hook"])
            try store.apply(
                DesiredState(
                    settings: Settings(state: store.path),
                    destinations: [Destination(name: "nas", path: root.appendingPathComponent("backups").path, keepVersions: keepVersions)],
                    routes: [AlertRoute(name: "hook", channel: .webhook(WebhookChannel(target: .url("http://127.0.0.1:9/hook"))))],
                    jobs: [job]),
                baseRevision: 0,
                context: ApplyContext(configPath: "/etc/monitor.yaml", git: nil, user: "t", host: "h", now: ScrubTests.time("2026-11-20T12:00:00Z")))
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        var staging: URL { root.appendingPathComponent("backups/db/staging") }
        var versions: URL { root.appendingPathComponent("backups/db/versions") }

        /// Stages `files`, seals them as finished at 01:30 on `day` of November 2026, and scans
        /// at 04:00: one more promoted version. Returns its id.
        @discardableResult
        func promote(day: Int, files: [String: Data]) throws -> String {
            try? FileManager.default.removeItem(at: staging)
            for (path, content) in files {
                let url = staging.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try content.write(to: url)
            }
            let finished = ScrubTests.time(String(format: "2026-11-%02dT01:30:00Z", day))
            if verify == .sha256 {
                _ = try StatusFileWriter.seal(folder: staging.path, status: .success, job: "db", message: nil, startedAt: nil, finishedAt: finished)
            } else {
                // A producer that lists sizes only (verify: none).
                let listing = files.keys.sorted().map { #"{"path":"\#($0)","size":\#(files[$0]!.count)}"# }.joined(separator: ",")
                try Data(#"{"status":"SUCCESS","finished_at":"\#(Timestamp.string(finished))","files":[\#(listing)]}"#.utf8)
                    .write(to: staging.appendingPathComponent("STATUS.json"))
            }
            let summary = try Scanner(store: store).scan(now: ScrubTests.time(String(format: "2026-11-%02dT04:00:00Z", day)))
            #expect(summary.promoted == 1, "\(summary.errors)")
            return try #require(try store.scrubTargets(dueBefore: nil).map(\.version.id).max())
        }

        func file(_ version: String, _ path: String) -> URL { versions.appendingPathComponent(version).appendingPathComponent(path) }

        /// Overwrites one byte at `offset` (promoted files are read-only: as root, or after chmod).
        func flip(_ version: String, _ path: String, at offset: UInt64 = 0) throws {
            let url = file(version, path)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: url.path)
            let handle = try FileHandle(forUpdating: url)
            try handle.seek(toOffset: offset)
            let old = try handle.read(upToCount: 1)?.first ?? 0
            try handle.seek(toOffset: offset)
            try handle.write(contentsOf: Data([old ^ 0xFF]))
            try handle.close()
        }

        func database() throws -> DatabaseQueue {
            try DatabaseQueue(path: store.path)
        }

        func kept() throws -> [String: VersionRecord] {
            Dictionary(uniqueKeysWithValues: try store.scrubTargets(dueBefore: nil).map { ($0.version.id, $0.version) })
        }

        func corruptedEvents() throws -> [String] {
            try database().read { db in try String.fetchAll(db, sql: "SELECT dedup_key FROM outbox WHERE event = 'CORRUPTED' ORDER BY id") }
        }

        func scrub(_ scope: Scrubber.Scope = .due(ScrubTests.every), budget: Duration? = nil, at now: String, stop: ScrubStop = ScrubStop())
            throws -> ScrubSummary
        {
            let date = ScrubTests.time(now)
            return try Scrubber(store: store).run(scope, budget: budget, clock: { date }, stop: stop)
        }
    }

    static func bytes(_ count: Int, seed: UInt8) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) })
    }

    @Test func flippingOneByteMakesTheVersionCorruptedWithOneNotificationPerRoute() throws {
        let box = try Sandbox()
        let id = try box.promote(day: 21, files: ["dump.sql": Self.bytes(300_000, seed: 1), "globals/roles.sql": Self.bytes(50, seed: 2)])
        // Recorded at promotion, in the same transaction as the version.
        let files = try box.store.recordedFiles(job: "db", versionID: id)
        #expect(files.map(\.file.path) == ["dump.sql", "globals/roles.sql"])
        #expect(files.map(\.file.size) == [300_000, 50])
        #expect(files.allSatisfy { $0.file.sha256?.count == 64 })

        let intact = try box.scrub(at: "2026-11-21T05:00:00Z")
        #expect(intact.versionsChecked == 1 && intact.filesChecked == 2 && intact.bytesRead == 300_050 && intact.corrupted.isEmpty)
        #expect(try box.kept()[id]?.checkedAt == Self.time("2026-11-21T05:00:00Z"))
        #expect(try box.kept()[id]?.corrupted == nil)

        try box.flip(id, "dump.sql", at: 123_456)
        // Checked 5 h ago: not due before three quarters of `every`.
        #expect(try box.scrub(at: "2026-11-21T10:00:00Z").filesChecked == 0)
        let found = try box.scrub(at: "2026-11-22T00:00:00Z")
        #expect(found.corrupted.count == 1)
        let reason = try #require(found.corrupted.first?.version.reason)
        #expect(reason.hasPrefix("dump.sql: content changed (SHA-256 "))
        #expect(try box.kept()[id]?.corrupted == reason)
        #expect(try box.corruptedEvents() == ["db/hook/CORRUPTED/\(id)"])
        #expect(try box.store.corruptedVersionCounts() == ["db": 1])

        // Found again at the next round: still marked, nobody told twice.
        let again = try box.scrub(.everything, at: "2026-11-23T00:00:00Z")
        #expect(again.corrupted.count == 1)
        #expect(try box.corruptedEvents().count == 1)
        #expect(try box.kept()[id]?.corrupted == reason)
        // The job view shows it.
        let view = try #require(try box.store.jobViews(now: Self.time("2026-11-23T00:00:00Z")).first)
        #expect(view.currentVersion?.corrupted == true && view.corruptedVersions == 1)
    }

    @Test func aMissingFileAndAFolderDeletedByHandAreCorrupted() throws {
        let box = try Sandbox()
        let older = try box.promote(day: 21, files: ["a.bin": Self.bytes(1_000, seed: 3), "b.bin": Self.bytes(10, seed: 4)])
        let newer = try box.promote(day: 22, files: ["a.bin": Self.bytes(1_000, seed: 5)])
        try FileManager.default.removeItem(at: box.file(newer, "a.bin"))
        try FileManager.default.removeItem(at: box.versions.appendingPathComponent(older))

        let summary = try box.scrub(.everything, at: "2026-11-22T05:00:00Z")
        let reasons = Dictionary(uniqueKeysWithValues: summary.corrupted.map { ($0.version.id, $0.version.reason) })
        #expect(reasons[newer] == "a.bin: missing (1000 bytes were recorded at promotion)")
        #expect(
            reasons[older]
                == "the version folder \(box.versions.appendingPathComponent(older).path) is missing: it was deleted or moved outside monitor")
        #expect(summary.versionsChecked == 2)
        #expect(Set(try box.corruptedEvents()) == ["db/hook/CORRUPTED/\(older)", "db/hook/CORRUPTED/\(newer)"])
    }

    @Test func filesAndFoldersSwappedForSomethingElseAreCorruptedNeverACrash() throws {
        let box = try Sandbox()
        let first = try box.promote(day: 21, files: ["a.bin": Self.bytes(100, seed: 20), "sub/b.bin": Self.bytes(100, seed: 21)])
        let second = try box.promote(day: 22, files: ["a.bin": Self.bytes(100, seed: 22)])
        // In the first version: a file replaced by a link to an identical copy, a folder by a link.
        let outside = box.root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data(contentsOf: box.file(first, "a.bin")).write(to: outside.appendingPathComponent("a.bin"))
        try FileManager.default.removeItem(at: box.file(first, "a.bin"))
        try FileManager.default.createSymbolicLink(at: box.file(first, "a.bin"), withDestinationURL: outside.appendingPathComponent("a.bin"))
        try FileManager.default.removeItem(at: box.file(first, "sub"))
        try FileManager.default.createSymbolicLink(at: box.file(first, "sub"), withDestinationURL: outside)
        // The second version's folder replaced by a file.
        try FileManager.default.removeItem(at: box.versions.appendingPathComponent(second))
        try Data("not a folder".utf8).write(to: box.versions.appendingPathComponent(second))

        let summary = try box.scrub(.everything, at: "2026-11-22T05:00:00Z")
        let reasons = Dictionary(uniqueKeysWithValues: summary.corrupted.map { ($0.version.id, $0.version.reason) })
        #expect(
            reasons[first]
                == "a.bin: a symbolic link, not the regular file that was promoted; sub/b.bin: sub is not a folder (a symbolic link or a file), not the regular file that was promoted"
        )
        #expect(reasons[second] == "the version folder \(box.versions.appendingPathComponent(second).path) is not a folder any more")
        #expect(summary.versionsChecked == 2)
    }

    @Test func aFolderThatRetentionRemovedIsMarkedDeletedNotCorrupted() throws {
        let box = try Sandbox(keepVersions: 1)
        let older = try box.promote(day: 21, files: ["a.bin": Self.bytes(100, seed: 6)])
        try box.promote(day: 22, files: ["a.bin": Self.bytes(100, seed: 7)])
        // The ledger has not caught up with retention (a late version, or a crash between the two).
        try box.database().write { db in try db.execute(sql: "UPDATE version SET deleted_at = NULL WHERE id = ?", arguments: [older]) }
        #expect(try box.kept()[older] != nil)

        let summary = try box.scrub(.everything, at: "2026-11-22T05:00:00Z")
        #expect(summary.corrupted.isEmpty)
        #expect(summary.deletedByRetention == 1 && summary.versionsChecked == 1)
        #expect(try box.kept()[older] == nil)
        #expect(try box.corruptedEvents().isEmpty)
    }

    @Test func aTinyBudgetChecksEveryFileExactlyOncePerCycle() throws {
        let box = try Sandbox()
        var ids: [String] = []
        for day in 21...23 {
            ids.append(
                try box.promote(day: day, files: (1...4).reduce(into: [:]) { $0["f\($1).bin"] = Self.bytes(1_000 * $1, seed: UInt8(day + $1)) }))
        }
        // A budget of zero still checks one file per pass, so each pass makes progress.
        var passes: [ScrubSummary] = []
        while passes.count < 30 {
            let pass = try box.scrub(budget: .zero, at: "2026-11-23T05:00:00Z")
            if pass.filesChecked == 0 { break }
            passes.append(pass)
        }
        #expect(passes.count == 12)
        #expect(passes.allSatisfy { $0.filesChecked == 1 })
        #expect(passes.map(\.versionsChecked).reduce(0, +) == 3)
        #expect(passes.dropLast().allSatisfy { $0.ended == .budget })
        #expect(try box.kept().values.allSatisfy { $0.checkedAt == Self.time("2026-11-23T05:00:00Z") })
        let marks = try box.database().read { db in try Int.fetchOne(db, sql: "SELECT sum(checked_in_round) FROM version_file") }
        #expect(marks == 0)

        // The next cycle, once due, reads each file once again; the least recently checked first.
        var next: [ScrubSummary] = []
        while next.count < 30 {
            let pass = try box.scrub(budget: .zero, at: "2026-11-24T05:00:00Z")
            if pass.filesChecked == 0 { break }
            next.append(pass)
        }
        #expect(next.count == 12 && next.map(\.bytesRead).reduce(0, +) == 3 * 10_000)
    }

    @Test func aStopInTheMiddleResumesAtTheFileWhereItStopped() throws {
        let box = try Sandbox()
        let size = 16 << 20  // 8 chunks of the hasher's 2 MiB
        try box.promote(
            day: 21,
            files: ["a.bin": Data(repeating: 1, count: size), "b.bin": Data(repeating: 2, count: size), "c.bin": Data(repeating: 3, count: size)])
        // The scrub looks at the stop before each file and each chunk: a.bin takes 1 + 9 looks
        // (8 chunks and the end), so the 14th look falls in the middle of b.bin.
        let first = try box.scrub(at: "2026-11-21T05:00:00Z", stop: ScrubStop(afterLooks: 13))
        #expect(first.ended == .stopped && first.remaining == 1 && first.versionsChecked == 0)
        #expect(first.filesChecked == 1 && first.bytesRead > Int64(size) && first.bytesRead < Int64(2 * size))
        #expect(try box.store.recordedFiles(job: "db", versionID: box.kept().keys.first!).map(\.checkedInRound) == [true, false, false])
        // A new scrub (a restarted daemon) goes on at b.bin: a.bin is not read again.
        let second = try box.scrub(at: "2026-11-21T05:10:00Z")
        #expect(second.ended == .finished && second.versionsChecked == 1)
        #expect(second.filesChecked == 2 && second.bytesRead == Int64(2 * size))
    }

    @Test func aVersionPromotedBeforeFilesWereRecordedIsCheckedAgainstItsStatusFile() throws {
        let box = try Sandbox()
        let id = try box.promote(day: 21, files: ["dump.sql": Self.bytes(5_000, seed: 9)])
        try box.database().write { db in try db.execute(sql: "DELETE FROM version_file") }
        try box.flip(id, "dump.sql", at: 10)

        let summary = try box.scrub(at: "2026-11-21T05:00:00Z")
        #expect(summary.corrupted.first?.version.reason.hasPrefix("dump.sql: content changed") == true)
        // The list now comes from the ledger, as for versions promoted today.
        #expect(try box.store.recordedFiles(job: "db", versionID: id).map(\.file.path) == ["dump.sql"])

        // A kept STATUS.json that is not the promoted one cannot vouch for anything.
        let other = try box.promote(day: 22, files: ["dump.sql": Self.bytes(5_000, seed: 10)])
        try box.database().write { db in try db.execute(sql: "DELETE FROM version_file WHERE version_id = ?", arguments: [other]) }
        let status = box.file(other, "STATUS.json")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: status.path)
        try Data("{}".utf8).write(to: status)
        let checked = try box.scrub(.everything, at: "2026-11-22T05:00:00Z")
        let reason = try #require(checked.corrupted.first { $0.version.id == other }?.version.reason)
        #expect(reason.hasPrefix("STATUS.json: content changed"))
        #expect(reason.contains("its files cannot be checked: the kept STATUS.json that lists them is not the one promoted"))
    }

    @Test func withoutARecordedHashTheFirstCheckKeepsTheReference() throws {
        let box = try Sandbox(verify: .none)
        let id = try box.promote(day: 21, files: ["dump.sql": Self.bytes(4_000, seed: 11)])
        #expect(try box.store.recordedFiles(job: "db", versionID: id).first?.file.sha256 == nil)
        #expect(try box.scrub(at: "2026-11-21T05:00:00Z").corrupted.isEmpty)
        #expect(try box.store.recordedFiles(job: "db", versionID: id).first?.file.sha256?.count == 64)

        try box.flip(id, "dump.sql", at: 100)
        let later = try box.scrub(at: "2026-11-22T05:00:00Z")
        #expect(later.corrupted.first?.version.reason.hasPrefix("dump.sql: content changed") == true)
    }

    @Test func aJobThatHearsNothingOfCorruptionGetsTheMarkWithoutANotification() throws {
        let box = try Sandbox()
        let id = try box.promote(day: 21, files: ["a.bin": Self.bytes(64, seed: 12)])
        try box.database().write { db in
            try db.execute(sql: #"UPDATE alert_route SET spec = json_set(spec, '$.on', json('["FAILED"]'))"#)
        }
        try box.flip(id, "a.bin")
        #expect(try box.scrub(at: "2026-11-21T05:00:00Z").corrupted.count == 1)
        #expect(try box.kept()[id]?.corrupted != nil)
        #expect(try box.corruptedEvents().isEmpty)
    }
}
