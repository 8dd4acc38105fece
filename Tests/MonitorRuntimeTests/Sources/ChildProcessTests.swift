import Foundation
import Testing

@testable import MonitorRuntime

/// The bounded child process the repository readers run restic and borg with: real programs,
/// real pipes, real signals.
@Suite(.timeLimit(.minutes(1))) struct ChildProcessTests {
    func run(_ script: String, environment: [String: String] = ["PATH": "/usr/bin:/bin"], timeout: Duration = .seconds(10), limit: Int = 1 << 20)
        -> ChildProcess.Result
    {
        ChildProcess(program: "/bin/sh", arguments: ["-c", script], environment: environment, timeout: timeout, stdoutLimit: limit).run()
    }

    @Test func itReturnsTheExitStatusStandardOutputAndStandardError() {
        let result = run("echo out; echo err >&2; exit 3")
        #expect(result.ending == .exited(3))
        #expect(String(decoding: result.stdout, as: UTF8.self) == "out\n")
        #expect(String(decoding: result.stderr, as: UTF8.self) == "err\n")
    }

    @Test func itGetsOnlyTheGivenEnvironmentAndNothingOnStandardInput() {
        let result = run("env | sort; cat; echo read-done", environment: ["ONLY": "this", "PATH": "/usr/bin:/bin"])
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.contains("ONLY=this"))
        #expect(!lines.contains { $0.hasPrefix("HOME=") })
        #expect(lines.last == "read-done", "cat reads /dev/null and ends at once")
        #expect(result.ending == .exited(0))
    }

    @Test func aTimeoutKillsTheWholeProcessGroup() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pidFile = folder.appendingPathComponent("pid").path
        let started = ContinuousClock.now
        // The grandchild keeps the pipes open: only killing the group ends the wait.
        let result = run("sleep 30 & echo $! > \(pidFile); wait", timeout: .milliseconds(500))
        #expect(result.ending == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(5))
        let pid = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!RepositorySandbox.isRunning(pid: pid))
    }

    @Test func outputPastTheLimitStopsTheProgram() {
        let result = run("yes 'a line of output'", limit: 100_000)
        #expect(result.ending == .tooMuchOutput)
        #expect(result.stdout.count > 100_000 && result.stdout.count < 300_000)
    }

    @Test func aProgramThatCannotStartSaysWhy() {
        let absent = ChildProcess(program: "/nonexistent/tool", arguments: [], environment: [:], timeout: .seconds(1), stdoutLimit: 10).run()
        #expect(absent.ending == .cannotStart("cannot run /nonexistent/tool: No such file or directory"))
        let unknown = ChildProcess(program: "no-such-tool-here", arguments: [], environment: [:], timeout: .seconds(1), stdoutLimit: 10).run()
        #expect(unknown.ending == .cannotStart("cannot run no-such-tool-here from PATH: No such file or directory"))
    }

    @Test func theToolsMessageIsOneCleanLine() {
        #expect(
            RepositoryTool.message(Data("Fatal: unable to open config file\nIs there a repository at the following location?\n/srv/x\n".utf8))
                == "Fatal: unable to open config file Is there a repository at the following location? /srv/x")
        #expect(
            RepositoryTool.message(Data(#"{"message_type":"exit_error","code":1,"message":"Fatal: wrong password or no key found"}"#.utf8))
                == "Fatal: wrong password or no key found")
        #expect(RepositoryTool.message(Data("bell\u{07}here".utf8)) == "bellhere")
        #expect(RepositoryTool.message(Data(String(repeating: "x", count: 2000).utf8)).count == 500)
    }
}
