import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// SPEC §5: "A crash or kill at any moment leaves current_version on the previous complete
// version; leftovers are cleaned by the next scan, which then promotes correctly." — checked by
// SIGKILLing a real `monitor scan` at random moments while it promotes a 64 MiB backup.

@Suite struct PromotionKillTests {
    /// With `promote: link_unchanged` every retry's dump is the one of the current version: the
    /// kills land while it is hashed in staging, linked, made read-only, or renamed.
    @Test(arguments: ["copy", "link_unchanged"])
    func aScanKilledAtRandomMomentsNeverLeavesCurrentVersionIncomplete(promote: String) throws {
        let box = try BackupSandbox(
            jobs: """
                  db:
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                    promote: \(promote)
                """)
        try box.monitor(["apply", "--now", "2026-11-20T12:00:00Z"])
        let dump = try #require(FileHandle(forReadingAtPath: "/dev/urandom")?.readData(ofLength: 64 << 20))
        try box.stage("db", ["dump.sql.gz": dump, "globals/roles.sql": Data("CREATE ROLE app;\n".utf8)])
        try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", "2026-11-21T02:00:00Z"])
        let started = DispatchTime.now()
        try box.monitor(["scan", "--now", "2026-11-21T02:30:00Z"])
        let scanDuration = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let job = box.backups.appendingPathComponent("db")
        #expect(try soundness(of: try #require(box.currentVersion("db")), in: job).isEmpty)

        var outcomes: [String: Int] = [:]
        let deadline = Date().addingTimeInterval(150)
        for retry in 1...20 where Date() < deadline {
            // Each round a new status file for the same night (a retry): a new version to promote.
            let finished = String(format: "2026-11-21T02:%02d:00Z", retry)
            try box.monitor(["seal", "backups/db/staging", "--status", "SUCCESS", "--finished-at", finished])
            let before = try #require(box.currentVersion("db"))

            let scan = try startMonitor(["scan", "--now", String(format: "2026-11-21T02:%02d:30Z", 30 + retry)], cwd: box.root)
            usleep(UInt32(Double.random(in: 0...scanDuration) * 1e6))
            kill(scan.processIdentifier, SIGKILL)
            scan.waitUntilExit()
            let copying = box.leftovers("db").contains { $0.hasPrefix("versions/.tmp-") }
            outcomes[scan.terminationReason == .exit ? "finished" : copying ? "killed while copying" : "killed", default: 0] += 1

            let current = try #require(box.currentVersion("db"), "current_version is gone after kill \(retry)")
            #expect(current == before || current.hasPrefix("versions/\(versionPrefix(finished))"), "kill \(retry): \(current)")
            for version in box.versions("db") {
                #expect(try soundness(of: "versions/\(version)", in: job).isEmpty, "kill \(retry): versions/\(version) is not sound")
            }

            // The next scan cleans up and promotes this round's backup (or finds it already promoted).
            try box.monitor(["scan", "--now", String(format: "2026-11-21T02:%02d:45Z", 30 + retry)])
            #expect(box.leftovers("db").isEmpty, "kill \(retry): \(box.leftovers("db"))")
            let recovered = try #require(box.currentVersion("db"))
            #expect(recovered.hasPrefix("versions/\(versionPrefix(finished))"), "after kill \(retry): \(recovered)")
            #expect(try soundness(of: recovered, in: job).isEmpty)
        }
        print("monitor scan kills: \(outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))")
        #expect(outcomes["killed while copying", default: 0] > 0, "no kill landed during a copy: \(outcomes)")
        #expect(try box.status("db", now: "2026-11-21T03:00:00Z")["status"] as? String == "SUCCESS")
    }

    /// `20261121T020500Z-`: how the id of a version finished at `rfc3339` begins.
    private func versionPrefix(_ rfc3339: String) -> String {
        rfc3339.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "") + "-"
    }

    /// What is wrong with the version at `relative` (to the job folder): every file its
    /// STATUS.json lists must be there with the listed size and the SHA-256 `sha256sum` computes.
    private func soundness(of relative: String, in job: URL) throws -> [String] {
        let folder = job.appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("STATUS.json").path),
            let status = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let files = status["files"] as? [[String: Any]]
        else { return ["\(relative)/STATUS.json is missing or unreadable"] }
        let paths = files.compactMap { $0["path"] as? String }
        let result = try runProcess(
            try programOnPath("sha256sum", installHint: "install coreutils"), paths,
            environment: monitorBaseEnvironment, in: folder)
        guard result.exit == 0 else { return ["sha256sum in \(relative): \(result.stderr)"] }
        let computed = Dictionary(
            uniqueKeysWithValues: result.stdout.split(separator: "\n").map { line in
                (String(line.split(separator: " ", maxSplits: 1)[1].drop { $0 == " " || $0 == "*" }), String(line.prefix(64)))
            })
        var problems: [String] = []
        for file in files {
            let path = file["path"] as? String ?? ""
            if computed[path] != file["sha256"] as? String { problems.append("\(relative)/\(path): SHA-256 differs") }
            let size = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(path).path)[.size]) as? Int
            if let listed = file["size"] as? Int, size != listed { problems.append("\(relative)/\(path): size differs") }
        }
        return problems
    }

    /// Starts `monitor` without waiting for it, output discarded.
    private func startMonitor(_ arguments: [String], cwd: URL) throws -> Process {
        let process = Process()
        process.executableURL = try MonitorExecutable.url()
        process.arguments = arguments
        process.environment = monitorBaseEnvironment
        process.currentDirectoryURL = cwd
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

extension BackupSandbox {
    /// What an interrupted promotion leaves: temporary folders under versions/ and temporary
    /// links in the job folder, relative to the job folder.
    func leftovers(_ job: String) -> [String] {
        let folder = backups.appendingPathComponent(job)
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("versions").path)) ?? [])
            .filter { $0.hasPrefix(".") }.map { "versions/\($0)" }
        let links = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix(".") }
        return (versions + links).sorted()
    }
}
