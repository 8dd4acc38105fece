import Foundation
import MonitorCore
import MonitorStore
import Testing

@testable import MonitorRuntime

/// `source: borg` over real repositories made with borg (`--encryption=repokey`) in a temporary
/// folder: archives are SUCCESS runs at the instant borg recorded, whatever the timezone of the job
/// or of monitor's host; a missed night is MISSING; a wrong passphrase is FAILED with borg's own
/// words once the window ends; `glob` chooses archives; nothing is recorded twice.
@Suite(.serialized, .timeLimit(.minutes(3))) struct BorgSourceTests {
    static let passphrase = "borg test passphrase"

    func sandbox() throws -> RepositorySandbox {
        let box = try RepositorySandbox()
        try box.tool("borg", ["init", "--encryption=repokey", box.path("repo")], environment: ["BORG_PASSPHRASE": Self.passphrase])
        return box
    }

    /// An archive named `name`, created at `utc` ("2026-12-01T01:30:00", UTC as borg takes it).
    func archive(_ box: RepositorySandbox, _ name: String, at utc: String) throws {
        try box.tool(
            "borg", ["create", "--timestamp", utc, "\(box.path("repo"))::\(name)", "data"], environment: ["BORG_PASSPHRASE": Self.passphrase])
    }

    /// The reader, with monitor itself in Tokyo's timezone: borg's times must not depend on it.
    func reader(_ box: RepositorySandbox, passphrase: String = BorgSourceTests.passphrase) -> BorgArchives {
        var environment = box.toolEnvironment
        environment["BORG_TEST_PASSPHRASE"] = passphrase
        environment["TZ"] = "Asia/Tokyo"
        return BorgArchives(environment: environment)
    }

    func scan(_ box: RepositorySandbox, _ reader: BorgArchives, at now: String) throws -> ScanSummary {
        try Scanner(store: box.store, sources: [.borg: reader]).scan(now: Timestamp.parse(now)!)
    }

    static func borg(_ box: RepositorySandbox, glob: String? = nil) -> Source {
        .borg(BorgSource(repository: box.path("repo"), passphraseEnv: "BORG_TEST_PASSPHRASE", glob: glob))
    }

    /// Job `files` runs at 02:00 in Paris (01:00 UTC in December), 3 h window.
    @Test func archivesAreSuccessesInTheJobsTimezoneAndAMissedNightIsMissing() throws {
        let box = try sandbox()
        try box.apply([try RepositorySandbox.job("files", source: Self.borg(box), timezone: "Europe/Paris")])
        // 02:30 and 02:20 in Paris. Read as Paris local times, 01:30 would fall to the night before.
        try archive(box, "files-1", at: "2026-12-01T01:30:00")
        try archive(box, "files-3", at: "2026-12-03T01:20:00")
        let reader = reader(box)

        let first = try scan(box, reader, at: "2026-12-03T05:00:00Z")
        #expect(first.errors.isEmpty, "\(first.errors)")
        #expect(first.statusFiles == 2)
        let night1 = try #require(try box.occurrence("files", "2026-12-01T01:00:00Z"))
        #expect(night1.state == .success)
        #expect(night1.message == "borg archive files-1")
        let finished = try #require(night1.finishedAt)
        #expect(finished >= Timestamp.parse("2026-12-01T01:30:00Z")! && finished < Timestamp.parse("2026-12-01T01:31:00Z")!, "\(finished)")
        #expect(night1.figures?.duration != nil, "the archive's end time gives its duration")
        #expect(try box.occurrence("files", "2026-11-30T01:00:00Z")?.state != .success)
        #expect(try box.occurrence("files", "2026-12-02T01:00:00Z")?.state == .missing)
        #expect(try box.occurrence("files", "2026-12-03T01:00:00Z")?.state == .success)

        let second = try scan(box, reader, at: "2026-12-03T06:00:00Z")
        #expect(second.statusFiles == 0)
        #expect(second.verdicts.isEmpty, "\(second.verdicts)")

        // A new archive later is recorded alone, with its end time.
        try archive(box, "files-4", at: "2026-12-04T01:10:00")
        let third = try scan(box, reader, at: "2026-12-04T05:00:00Z")
        #expect(third.statusFiles == 1)
        #expect(try box.occurrence("files", "2026-12-04T01:00:00Z")?.state == .success)
    }

    @Test func aWrongPassphraseIsFailedWithBorgsMessageOnceTheWindowEnds() throws {
        let box = try sandbox()
        try box.apply([try RepositorySandbox.job("files", source: Self.borg(box))])
        try archive(box, "files-1", at: "2026-12-01T02:30:00")
        let wrong = reader(box, passphrase: "not it")
        _ = try scan(box, wrong, at: "2026-12-01T03:00:00Z")
        #expect(try box.occurrence("files", "2026-12-01T02:00:00Z")?.state == .pending)
        _ = try scan(box, wrong, at: "2026-12-01T06:00:00Z")
        let failed = try #require(try box.occurrence("files", "2026-12-01T02:00:00Z"))
        #expect(failed.state == .failed)
        #expect(failed.message?.hasPrefix("borg: passphrase supplied in BORG_PASSPHRASE") == true, "\(failed.message ?? "")")
        #expect(failed.message?.contains("is incorrect") == true, "\(failed.message ?? "")")

        // With the right passphrase the archive is found, and replaces the failure.
        _ = try scan(box, reader(box), at: "2026-12-01T07:00:00Z")
        #expect(try box.occurrence("files", "2026-12-01T02:00:00Z")?.state == .success)

        // A repository that is not there.
        try box.apply([
            try RepositorySandbox.job("files", source: .borg(BorgSource(repository: box.path("nowhere"), passphraseEnv: "BORG_TEST_PASSPHRASE")))
        ])
        _ = try scan(box, reader(box), at: "2026-12-02T06:00:00Z")
        let absent = try #require(try box.occurrence("files", "2026-12-02T02:00:00Z"))
        #expect(absent.state == .failed)
        #expect(absent.message == "borg: Repository \(box.path("nowhere")) does not exist.", "\(absent.message ?? "")")
    }

    @Test func globChoosesTheArchives() throws {
        let box = try sandbox()
        try box.apply([try RepositorySandbox.job("files", source: Self.borg(box, glob: "db-*"))])
        try archive(box, "db-2026-12-01", at: "2026-12-01T02:30:00")
        try archive(box, "www-2026-12-02", at: "2026-12-02T02:30:00")
        _ = try scan(box, reader(box), at: "2026-12-02T06:00:00Z")
        #expect(try box.occurrence("files", "2026-12-01T02:00:00Z")?.state == .success)
        #expect(try box.occurrence("files", "2026-12-02T02:00:00Z")?.state == .missing, "another job's archive does not count")
    }

    @Test func aMissingOrHangingBorgFailsItsJobOnly() throws {
        let box = try sandbox()
        try archive(box, "files-1", at: "2026-12-01T02:30:00")
        let hang = try box.script("hang.sh", "exec sleep 30")
        for (day, command) in ["/nonexistent/borg", hang].enumerated() {
            try box.apply([try RepositorySandbox.job("files", source: Self.borg(box))]) { $0.borgCommand = command }
            var environment = box.toolEnvironment
            environment["BORG_TEST_PASSPHRASE"] = Self.passphrase
            let started = Date()
            let summary = try Scanner(store: box.store, sources: [.borg: BorgArchives(timeout: .seconds(1), environment: environment)])
                .scan(now: Timestamp.parse(String(format: "2026-12-%02dT06:00:00Z", day + 1))!)
            #expect(Date().timeIntervalSince(started) < 10)
            #expect(summary.errors.isEmpty, "\(summary.errors)")
            let failed = try #require(try box.occurrence("files", String(format: "2026-12-%02dT02:00:00Z", day + 1)))
            #expect(failed.state == .failed)
            #expect(
                failed.message?.hasPrefix(day == 0 ? "borg: cannot run /nonexistent/borg" : "borg: \(hang) did not answer within 1 s") == true,
                "\(failed.message ?? "")")
        }
    }
}
