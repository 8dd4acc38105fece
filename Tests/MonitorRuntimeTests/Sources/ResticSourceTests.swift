import Foundation
import MonitorCore
import MonitorStore
import Testing

@testable import MonitorRuntime

/// `source: restic` over real repositories made with restic in a temporary folder: snapshots
/// become SUCCESS runs at their times, a missed night is MISSING, a repository that cannot be
/// opened makes the occurrence FAILED with restic's own words, nothing is recorded twice, and the
/// `host` and `tags` filters choose the snapshots. A missing, hanging or babbling restic fails
/// its own job only.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ResticSourceTests {
    static let password = "correct horse battery staple"

    /// A sandbox with a restic repository at `repo`, its password in RESTIC_TEST_PASSWORD.
    func sandbox() throws -> RepositorySandbox {
        let box = try RepositorySandbox()
        try box.tool("restic", ["init", "--repo", box.path("repo"), "--quiet"], environment: ["RESTIC_PASSWORD": Self.password])
        return box
    }

    /// A snapshot of the sandbox's data at `time` (UTC, "2026-12-01 02:10:00").
    func backup(_ box: RepositorySandbox, at time: String, host: String = "db1", tags: [String] = []) throws {
        try box.tool(
            "restic",
            ["backup", "--repo", box.path("repo"), "--quiet", "--host", host, "--time", time] + tags.flatMap { ["--tag", $0] } + [box.path("data")],
            environment: ["RESTIC_PASSWORD": Self.password])
    }

    func reader(_ box: RepositorySandbox, password: String? = ResticSourceTests.password, timeout: Duration = .seconds(60)) -> ResticSnapshots {
        var environment = box.toolEnvironment
        environment["RESTIC_TEST_PASSWORD"] = password
        return ResticSnapshots(timeout: timeout, environment: environment)
    }

    func scan(_ box: RepositorySandbox, _ reader: ResticSnapshots, at now: String) throws -> ScanSummary {
        try Scanner(store: box.store, sources: [.restic: reader]).scan(now: Timestamp.parse(now)!)
    }

    static func restic(_ box: RepositorySandbox, host: String? = nil, tags: [String] = []) -> Source {
        .restic(ResticSource(repository: box.path("repo"), passwordEnv: "RESTIC_TEST_PASSWORD", host: host, tags: tags))
    }

    @Test func snapshotsAreSuccessesAMissedNightIsMissingAndNothingIsRecordedTwice() throws {
        let box = try sandbox()
        try box.apply([try RepositorySandbox.job("files", source: Self.restic(box))])
        try backup(box, at: "2026-12-01 02:10:00")
        try backup(box, at: "2026-12-03 02:20:00")
        let reader = reader(box)

        let first = try scan(box, reader, at: "2026-12-03T06:00:00Z")
        #expect(first.errors.isEmpty, "\(first.errors)")
        #expect(first.statusFiles == 2)
        let night1 = try #require(try box.occurrence("files", "2026-12-01T02:00:00Z"))
        #expect(night1.state == .success)
        #expect(night1.finishedAt == Timestamp.parse("2026-12-01T02:10:00Z"))
        #expect(night1.message?.hasPrefix("restic snapshot ") == true, "\(night1.message ?? "")")
        #expect(night1.message?.contains("of db1: \(box.path("data"))") == true, "\(night1.message ?? "")")
        #expect(try box.occurrence("files", "2026-12-02T02:00:00Z")?.state == .missing)
        #expect(try box.occurrence("files", "2026-12-03T02:00:00Z")?.state == .success)

        // The same snapshots again: nothing new is recorded, no verdict changes.
        let second = try scan(box, reader, at: "2026-12-03T07:00:00Z")
        #expect(second.statusFiles == 0)
        #expect(second.verdicts.isEmpty, "\(second.verdicts)")
        let listing = try box.tool(
            "restic", ["snapshots", "--json", "--no-lock", "--repo", box.path("repo")], environment: ["RESTIC_PASSWORD": Self.password])
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(listing.utf8)) as? [[String: Any]]).compactMap { $0["id"] as? String }
        let recorded = try box.store.recordedRuns(job: "files", among: ids.map { RunKey.make(.restic, id: $0) })
        #expect(recorded.count == 2)
    }

    @Test func aWrongPasswordIsFailedWithResticsMessageOnceTheWindowEnds() throws {
        let box = try sandbox()
        try box.apply([try RepositorySandbox.job("files", source: Self.restic(box))])
        try backup(box, at: "2026-12-01 02:10:00")
        let wrong = reader(box, password: "not the password")

        // While the window is open the occurrence waits.
        _ = try scan(box, wrong, at: "2026-12-01T03:00:00Z")
        #expect(try box.occurrence("files", "2026-12-01T02:00:00Z")?.state == .pending)
        _ = try scan(box, wrong, at: "2026-12-01T06:00:00Z")
        let failed = try #require(try box.occurrence("files", "2026-12-01T02:00:00Z"))
        #expect(failed.state == .failed)
        #expect(failed.message == "restic: Fatal: wrong password or no key found", "\(failed.message ?? "")")

        // A repository that is not there says so in restic's words.
        try box.apply([
            try RepositorySandbox.job("files", source: .restic(ResticSource(repository: box.path("nowhere"), passwordEnv: "RESTIC_TEST_PASSWORD")))
        ])
        _ = try scan(box, reader(box), at: "2026-12-02T06:00:00Z")
        let absent = try #require(try box.occurrence("files", "2026-12-02T02:00:00Z"))
        #expect(absent.state == .failed)
        #expect(absent.message?.hasPrefix("restic: Fatal: unable to open config file") == true, "\(absent.message ?? "")")

        // An unset password variable is named, restic is not even run.
        var unset = box.toolEnvironment
        unset["RESTIC_TEST_PASSWORD"] = nil
        _ = try scan(box, ResticSnapshots(environment: unset), at: "2026-12-03T06:00:00Z")
        let noPassword = try #require(try box.occurrence("files", "2026-12-03T02:00:00Z"))
        #expect(noPassword.message?.contains("RESTIC_TEST_PASSWORD (password_env) is not set") == true, "\(noPassword.message ?? "")")
    }

    @Test func hostAndTagsChooseTheSnapshots() throws {
        let box = try sandbox()
        try box.apply([try RepositorySandbox.job("files", source: Self.restic(box, host: "db1", tags: ["nightly", "db"]))])
        try backup(box, at: "2026-12-01 02:10:00", host: "db1", tags: ["nightly", "db", "extra"])
        try backup(box, at: "2026-12-02 02:10:00", host: "web1", tags: ["nightly", "db"])
        try backup(box, at: "2026-12-03 02:10:00", host: "db1", tags: ["nightly"])
        _ = try scan(box, reader(box), at: "2026-12-03T06:00:00Z")
        #expect(try box.occurrence("files", "2026-12-01T02:00:00Z")?.state == .success)
        #expect(try box.occurrence("files", "2026-12-02T02:00:00Z")?.state == .missing, "another host's snapshot does not count")
        #expect(try box.occurrence("files", "2026-12-03T02:00:00Z")?.state == .missing, "a snapshot without every tag does not count")
    }

    @Test func aMissingHangingOrBabblingResticFailsItsJobAndTheOthersAreScanned() throws {
        let box = try sandbox()
        try backup(box, at: "2026-12-01 02:10:00")
        let hang = try box.script("hang.sh", "sleep 30 &\necho $! > \(box.path("sleeper.pid"))\nwait")
        let babble = try box.script("babble.sh", "echo 'this is not JSON'")
        // Each job runs its own restic command; the setting is global, so each scan applies its own.
        let cases: [(command: String, message: String)] = [
            ("/nonexistent/restic", "restic: cannot run /nonexistent/restic: No such file or directory"),
            (hang, "restic: \(hang) did not answer within 2 s and was stopped"),
            (babble, "restic: its output is not the JSON list of snapshots monitor expects"),
        ]
        for (day, example) in cases.enumerated() {
            try box.apply([
                try RepositorySandbox.job("broken", source: Self.restic(box)),
                try RepositorySandbox.job("files", source: Self.restic(box)),
            ]) { $0.resticCommand = example.command }
            let started = Date()
            let summary = try Scanner(store: box.store, sources: [.restic: reader(box, timeout: .seconds(2))])
                .scan(now: Timestamp.parse(String(format: "2026-12-%02dT06:00:00Z", day + 1))!)
            #expect(Date().timeIntervalSince(started) < 15, "a hanging restic costs its timeout per job, no more")
            #expect(summary.errors.isEmpty, "an unreadable repository is a verdict, not a scan error: \(summary.errors)")
            let failed = try #require(try box.occurrence("broken", String(format: "2026-12-%02dT02:00:00Z", day + 1)))
            #expect(failed.state == .failed)
            #expect(failed.message?.hasPrefix(example.message) == true, "\(failed.message ?? "")")
        }
        // The hanging script's own child went with its process group.
        let sleeper = try String(contentsOfFile: box.path("sleeper.pid"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!RepositorySandbox.isRunning(pid: sleeper), "the sleep started by the hanging restic was killed")

        // A job with a working restic in the same scans as the broken one.
        try box.apply([
            try RepositorySandbox.job("broken", source: .restic(ResticSource(repository: box.path("nowhere"), passwordEnv: "RESTIC_TEST_PASSWORD"))),
            try RepositorySandbox.job("files", source: Self.restic(box)),
        ])
        _ = try scan(box, reader(box), at: "2026-12-04T06:00:00Z")
        #expect(try box.occurrence("files", "2026-12-01T02:00:00Z")?.state == .success)
        #expect(try box.occurrence("broken", "2026-12-04T02:00:00Z")?.state == .failed)
    }

    /// restic 0.17 and later record the backup's figures in the snapshot: a stand-in restic prints
    /// such a listing (the installed restic is older).
    @Test func theSummaryOfNewerResticGivesFiguresAndTheEndTime() throws {
        let box = try RepositorySandbox()
        try box.write(
            "listing.json",
            #"""
            [{"time":"2026-12-01T03:00:05.123456789+01:00","tree":"aa","paths":["/srv/db"],"hostname":"db1","username":"root",
              "program_version":"restic 0.17.3","id":"5a1e0000000000000000000000000000000000000000000000000000000000a1","short_id":"5a1e0000",
              "summary":{"backup_start":"2026-12-01T03:00:05.123456789+01:00","backup_end":"2026-12-01T03:42:35.123456789+01:00",
                "files_new":3,"files_changed":1,"files_unmodified":120,"dirs_new":0,"dirs_changed":1,"dirs_unmodified":9,
                "data_blobs":4,"tree_blobs":2,"data_added":2048,"data_added_packed":1500,"total_files_processed":124,"total_bytes_processed":734003200}}]
            """#)
        let fake = try box.script("restic-0.17", "cat \(box.path("listing.json"))")
        try box.apply([
            try RepositorySandbox.job("files", source: .restic(ResticSource(repository: "/srv/repo", passwordEnv: "RESTIC_TEST_PASSWORD")))
        ]) {
            $0.resticCommand = fake
        }
        _ = try scan(box, reader(box), at: "2026-12-01T06:00:00Z")
        let run = try #require(try box.occurrence("files", "2026-12-01T02:00:00Z"))
        #expect(run.state == .success)
        #expect(run.finishedAt == Timestamp.parse("2026-12-01T02:42:35Z"), "the end of the backup, 03:42:35 at +01:00, to the second")
        #expect(run.figures == RunFigures(bytes: 734_003_200, files: 124, duration: 2550))
    }

    /// A repository of 5,000 snapshots, listed by a stand-in restic: the first scan imports the
    /// history after the job was applied and the newest run before it, not years of occurrences.
    @Test func aRepositoryOfThousandsOfSnapshots() throws {
        let box = try RepositorySandbox()
        let start = Timestamp.parse("2026-11-30T12:00:00Z")!.addingTimeInterval(-4_985 * 3600)
        let snapshots = (0..<5_000).map { index in
            let time = Timestamp.string(start.addingTimeInterval(Double(index) * 3600))
            return #"{"time":"\#(time)","hostname":"db1","paths":["/srv"],"id":"\#(String(format: "%064x", index))"}"#
        }
        try box.write("listing.json", "[" + snapshots.joined(separator: ",\n") + "]")
        let fake = try box.script("restic-many", "cat \(box.path("listing.json"))")
        try box.apply([
            try RepositorySandbox.job("files", source: .restic(ResticSource(repository: "/srv/repo", passwordEnv: "RESTIC_TEST_PASSWORD")))
        ]) {
            $0.resticCommand = fake
        }
        let clock = ContinuousClock()
        var summary: ScanSummary?
        let first = try clock.measure { summary = try scan(box, reader(box), at: "2026-12-01T06:00:00Z") }
        // Fifteen snapshots from the apply (12:00 on the 30th) on, and the newest one before it.
        #expect(summary?.statusFiles == 16, "\(summary.map { "\($0)" } ?? "")")
        #expect(try box.occurrence("files", "2026-12-01T02:00:00Z")?.state == .success)
        let again = try clock.measure { summary = try scan(box, reader(box), at: "2026-12-01T07:00:00Z") }
        #expect(summary?.statusFiles == 0)
        print("restic source, 5,000 snapshots: first scan \(first), next scan \(again)")
        #expect(again < .seconds(10))
    }
}
