import Foundation
import Testing

/// `monitor completion SHELL` and `monitor generate-manual FOLDER`, tried in the real programs:
/// bash completes a command line through `complete -p`, fish through `complete -C`, zsh
/// registers the function with compinit, and `man -l` renders every page without a warning.
@Suite("Shell completion and manual pages")
struct CompletionAndManualTests {
    static func script(_ shell: String) throws -> URL {
        let result = try runMonitor(["completion", shell])
        #expect(result.exit == 0, "monitor completion \(shell): \(result.stderr)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-completion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(shell == "zsh" ? "_monitor" : "monitor.\(shell)")
        try result.stdout.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// PATH with the built `monitor` first, as a user who installed it has.
    static func environment() throws -> [String: String] {
        let binary = try MonitorExecutable.url().deletingLastPathComponent().path
        return ["PATH": "\(binary):/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path, "LC_ALL": "C.UTF-8"]
    }

    /// What bash offers for `line` (the cursor at its end), through the function that the
    /// script registered with `complete`.
    static func bashCompletions(_ script: URL, _ line: String) throws -> [String] {
        let words = line.hasSuffix(" ") ? line.split(separator: " ").map(String.init) + [""] : line.split(separator: " ").map(String.init)
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        let program = """
            source '\(script.path)' || exit 3
            registered=$(complete -p monitor) || exit 4
            function=${registered#*-F }; function=${function%% *}
            COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1)
            "$function" monitor "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try runProcess(
            try programOnPath("bash", installHint: "apt-get install bash"), ["--norc", "--noprofile", "-c", program],
            environment: try environment())
        #expect(result.exit == 0, "bash completion of \"\(line)\": \(result.stderr)")
        return result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Test("the bash script is valid and completes commands, options and their values")
    func bashCompletes() throws {
        let script = try Self.script("bash")
        defer { try? FileManager.default.removeItem(at: script.deletingLastPathComponent()) }
        let bash = try programOnPath("bash", installHint: "apt-get install bash")
        let syntax = try runProcess(bash, ["-n", script.path], environment: try Self.environment())
        #expect(syntax.exit == 0, "bash -n: \(syntax.stderr)")

        #expect(Set(try Self.bashCompletions(script, "monitor s")) == ["scan", "seal", "silence", "state", "status"])
        let commands = Set(try Self.bashCompletions(script, "monitor "))
        #expect(
            commands.isSuperset(of: ["check", "plan", "apply", "scan", "status", "run", "report", "seal", "notify", "demo", "completion"]),
            "\(commands)")
        #expect(!commands.contains("generate-manual"), "a hidden command is offered: \(commands)")
        #expect(Set(try Self.bashCompletions(script, "monitor check --format ")) == ["text", "json", "github"])
        #expect(Set(try Self.bashCompletions(script, "monitor seal staging --status ")) == ["SUCCESS", "FAILED"])
        #expect(try Self.bashCompletions(script, "monitor report --da") == ["--days"])
        #expect(Set(try Self.bashCompletions(script, "monitor completion ")) == ["bash", "zsh", "fish"])
        #expect(try Self.bashCompletions(script, "monitor notify t") == ["test"])
    }

    @Test("the fish script completes commands and option values")
    func fishCompletes() throws {
        let fish = try programOnPath("fish", installHint: "apt-get install fish (scripts/setup-test-deps)")
        let script = try Self.script("fish")
        defer { try? FileManager.default.removeItem(at: script.deletingLastPathComponent()) }
        func complete(_ line: String) throws -> Set<String> {
            let result = try runProcess(
                fish, ["--no-config", "-c", "source '\(script.path)'; complete -C '\(line)'"], environment: try Self.environment())
            #expect(result.exit == 0, "fish complete -C \"\(line)\": \(result.stderr)")
            // Each line is the candidate, a tab, and its description.
            return Set(result.stdout.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") })
        }
        #expect(try complete("monitor s") == ["scan", "seal", "silence", "state", "status"])
        #expect(try complete("monitor check --format ") == ["text", "json", "github"])
        #expect(try complete("monitor seal staging --status ") == ["SUCCESS", "FAILED"])
    }

    @Test("the zsh script parses and compinit registers it for monitor")
    func zshRegisters() throws {
        let zsh = try programOnPath("zsh", installHint: "apt-get install zsh (scripts/setup-test-deps)")
        let script = try Self.script("zsh")
        defer { try? FileManager.default.removeItem(at: script.deletingLastPathComponent()) }
        let syntax = try runProcess(zsh, ["-n", script.path], environment: try Self.environment())
        #expect(syntax.exit == 0, "zsh -n: \(syntax.stderr)")
        let folder = script.deletingLastPathComponent().path
        let result = try runProcess(
            zsh, ["-f", "-c", "fpath=('\(folder)' $fpath); autoload -U compinit && compinit -u -D && print -r -- $_comps[monitor]"],
            environment: try Self.environment())
        #expect(result.exit == 0 && result.stdout == "_monitor\n", "zsh: \(result.stdout)\(result.stderr)")
    }

    @Test("an unknown shell is a usage error")
    func unknownShell() throws {
        let result = try runMonitor(["completion", "powershell"])
        #expect(result.exit == 64, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("bash"), "\(result.stderr)")
    }

    @Test("generate-manual writes a page per command that man renders without a warning, with every flag")
    func manualPages() throws {
        let man = try programOnPath("man", installHint: "apt-get install man-db (scripts/setup-test-deps)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-man-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = try runMonitor(["generate-manual", folder.appendingPathComponent("man1").path, "--date", "2026-12-03"])
        #expect(written.exit == 0, "\(written.stdout)\(written.stderr)")

        let commands = ReferenceTests.allCommands
        #expect(commands.count >= 12)
        let pages = Set(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("man1").path))
        #expect(pages == Set((["monitor.1"] + commands.map { (["monitor"] + $0.path).joined(separator: "-") + ".1" })), "\(pages.sorted())")

        let expected: [(name: String, flags: [String])] =
            [("monitor", ["--version"])]
            + commands.map { command in ((["monitor"] + command.path).joined(separator: "-"), command.options.flatMap(\.names)) }
        for (name, flags) in expected {
            let page = folder.appendingPathComponent("man1/\(name).1").path
            let result = try runProcess(
                man, ["--warnings", "-E", "UTF-8", "-l", page],
                environment: ["PATH": "/usr/bin:/bin", "MANWIDTH": "100", "LC_ALL": "C.UTF-8", "MANPAGER": "cat", "PAGER": "cat"])
            #expect(result.exit == 0 && result.stderr.isEmpty, "man -l \(name).1:\n\(result.stderr)")
            // Drop the overstrike (bold, underline) man may still use, then read the text.
            let text = result.stdout.replacingOccurrences(of: ".\u{8}", with: "", options: String.CompareOptions.regularExpression)
            #expect(text.contains("NAME") && text.contains("SYNOPSIS") && text.contains(name), "\(name).1:\n\(text)")
            for flag in flags {
                #expect(text.contains(flag), "\(name).1 does not show \(flag):\n\(text)")
            }
        }
        let root = try String(contentsOf: folder.appendingPathComponent("man1/monitor.1"), encoding: .utf8)
        #expect(root.contains(".Dd December 3, 2026"))
        #expect(root.contains(".Xr monitor-scan 1"))
        // The install commands of `monitor completion` stay one per line, as typed.
        let completion = try String(contentsOf: folder.appendingPathComponent("man1/monitor-completion.1"), encoding: .utf8)
        #expect(completion.contains(".Bd -literal -offset indent\nbash: monitor completion bash >"), "\(completion)")
    }

    @Test("generate-manual refuses a malformed --date")
    func manualDate() throws {
        let result = try runMonitor(["generate-manual", FileManager.default.temporaryDirectory.path, "--date", "tomorrow"])
        #expect(result.exit == 64, "\(result.stdout)\(result.stderr)")
    }
}
