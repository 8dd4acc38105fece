import Foundation
import Testing

/// docs/reference.md is the contract a user reads; these tests keep it whole. Commands come
/// from the built executable (`--experimental-dump-help` lists every command, hidden ones
/// included, and each command's `--help` gives its flags as a user sees them); keys come from
/// the configuration schema. Routes are checked in MonitorWebTests (ReferenceRouteTests).
@Suite("docs/reference.md is complete")
struct ReferenceTests {
    static func reference() throws -> String { try ShippingTests.read("docs/reference.md") }

    // MARK: - Commands and flags

    /// A command as the executable describes it: its words after `monitor`, and what its
    /// `--help` lists.
    struct Command: CustomTestStringConvertible, Sendable {
        var path: [String]
        /// `--format`, `-o`... as `--help` prints them, with the default it prints, if any.
        var options: [Option]
        /// Positional arguments (`<dir>`), by value name.
        var arguments: [String]
        var testDescription: String { (["monitor"] + path).joined(separator: " ") }
    }

    struct Option: Sendable {
        var names: [String]
        var defaultValue: String?
    }

    /// Every command below `monitor` (not `help`), walked through the built executable.
    static func commands() throws -> [Command] {
        let dump = try runMonitor(["--experimental-dump-help"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var paths: [[String]] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            for child in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = child["commandName"] as? String, name != "help" else { continue }
                paths.append(path + [name])
                walk(child, path + [name])
            }
        }
        walk(try #require(root["command"] as? [String: Any]), [])
        return try paths.map { path in
            // Wide, so that each option and its default stay on one line.
            let help = try runMonitor(path + ["--help"], env: ["COLUMNS": "1000"])
            #expect(help.exit == 0, "monitor \(path.joined(separator: " ")) --help: \(help.stderr)")
            return parseHelp(help.stdout, path: path)
        }
    }

    /// The OPTIONS and ARGUMENTS of a `--help` text.
    static func parseHelp(_ help: String, path: [String]) -> Command {
        var command = Command(path: path, options: [], arguments: [])
        for match in ShippingTests.matches(#"(?m)^  ((?:-[A-Za-z0-9], )?--[a-z0-9-]+)(?: <[^>]+>)?(?:  +(.*))?$"#, in: help) {
            let names = match[1].components(separatedBy: ", ")
            // The parser's own suffix, `(default: 30)` or `(values: a, b; default: a)`, ends the line.
            let defaultValue = ShippingTests.matches(#"\((?:values: [^;)]*; )?default: ([^)]+)\)\s*$"#, in: match[2]).first?[1]
            command.options.append(Option(names: names, defaultValue: defaultValue))
        }
        if let arguments = help.components(separatedBy: "ARGUMENTS:").dropFirst().first?.components(separatedBy: "OPTIONS:").first {
            command.arguments = ShippingTests.matches(#"(?m)^  <([a-z0-9-]+)>"#, in: arguments).map { $0[1] }
        }
        return command
    }

    /// The text under "### `monitor PATH`", up to the next heading.
    static func section(of path: [String], in reference: String) -> String? {
        let heading = "### `" + (["monitor"] + path).joined(separator: " ") + "`"
        let lines = reference.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: heading) else { return nil }
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("#") } ?? lines.endIndex
        return lines[start..<end].joined(separator: "\n")
    }

    /// What is missing from `section` for `command`: each flag and argument in backticks, each
    /// default in the row of its flag. `--help`, `-h` and `--version` are documented once for all.
    static func problems(of command: Command, in section: String?) -> [String] {
        guard let section else { return ["no section \"### `\(command.testDescription)`\""] }
        var problems: [String] = []
        let rows = section.split(separator: "\n").map(String.init).filter { $0.hasPrefix("|") }
        for option in command.options {
            let names = option.names.filter { !["--help", "-h", "--version"].contains($0) }
            for name in names where !rows.contains(where: { $0.contains("`\(name)`") }) {
                problems.append("\(name) is not in a table row of the section")
            }
            if let value = option.defaultValue, let name = names.last, let row = rows.first(where: { $0.contains("`\(name)`") }), !row.contains(value)
            {
                problems.append("the row of \(name) does not give its default \(value): \(row)")
            }
        }
        for argument in command.arguments where !rows.contains(where: { $0.contains("`\(argument.uppercased())`") }) {
            problems.append("the argument <\(argument)> is not in a table row as `\(argument.uppercased())`")
        }
        // And nothing documented that the command no longer has.
        let known = Set(command.options.flatMap(\.names))
        for row in rows {
            let first = ShippingTests.tableCells(row).first ?? ""
            for flag in ShippingTests.matches(#"`(--?[a-z0-9][a-z0-9-]*)`"#, in: first).map({ $0[1] }) where !known.contains(flag) {
                problems.append("\(flag) is documented but `\(command.testDescription) --help` does not list it")
            }
        }
        return problems
    }

    static let allCommands: [Command] = (try? commands()) ?? []

    @Test("the walk of the executable finds every command, hidden ones included")
    func walkFindsCommands() {
        let paths = Set(Self.allCommands.map { $0.path.joined(separator: " ") })
        #expect(
            paths.isSuperset(of: [
                "check", "plan", "apply", "scan", "status", "run", "report", "seal", "notify test", "demo", "completion", "generate-manual",
            ]), "\(paths.sorted())")
        let report = Self.allCommands.first { $0.path == ["report"] }
        #expect(report?.options.contains { $0.names == ["-o", "--output"] } == true)
        #expect(report?.options.first { $0.names == ["--days"] }?.defaultValue == "30")
    }

    @Test("every flag, argument and default of the command's --help is in its section of docs/reference.md", arguments: allCommands)
    func commandIsDocumented(_ command: Command) throws {
        let problems = Self.problems(of: command, in: Self.section(of: command.path, in: try Self.reference()))
        #expect(problems.isEmpty, "docs/reference.md, \(command.testDescription):\n\(problems.joined(separator: "\n"))")
    }

    @Test("the check notices a flag, an argument or a default that is missing, and a flag that is gone")
    func checkNoticesGaps() throws {
        let command = Command(
            path: ["seal"], options: [Option(names: ["--status"], defaultValue: nil), Option(names: ["-o", "--output"], defaultValue: "30")],
            arguments: ["dir"])
        let whole = "### `monitor seal`\n| `DIR` | x |\n| `--status` | y |\n| `-o`, `--output` | 30 |"
        #expect(Self.problems(of: command, in: whole).isEmpty)
        #expect(Self.problems(of: command, in: whole.replacingOccurrences(of: "| `--status` | y |", with: "")).count == 1)
        #expect(Self.problems(of: command, in: whole.replacingOccurrences(of: "| 30 |", with: "| 31 |")).count == 1)
        #expect(Self.problems(of: command, in: whole.replacingOccurrences(of: "`DIR`", with: "`FOLDER`")).count == 1)
        #expect(Self.problems(of: command, in: whole + "\n| `--gone` | z |").count == 1)
        #expect(Self.problems(of: command, in: nil).count == 1)
    }

    // MARK: - Configuration keys

    /// The rows of the table under "## Configuration keys": key → default cell and line.
    static func documentedKeys(_ reference: String) -> [String: (defaultCell: String, line: Int)] {
        var keys: [String: (String, Int)] = [:]
        var inSection = false
        for (number, line) in reference.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("## ") { inSection = line == "## Configuration keys" }
            guard inSection, line.hasPrefix("|") else { continue }
            let cells = ShippingTests.tableCells(String(line))
            guard let first = cells.first, first.hasPrefix("`"), first.hasSuffix("`"), first.count > 2, cells.count > 2 else { continue }
            keys[String(first.dropFirst().dropLast())] = (cells[2], number + 1)
        }
        return keys
    }

    static func keyProblems(schema: [ShippingTests.SchemaKey], documented: [String: (defaultCell: String, line: Int)]) -> [String] {
        var problems: [String] = []
        for key in schema {
            guard let row = documented[key.path] else {
                problems.append("`\(key.path)` is not in the table")
                continue
            }
            if key.required != (row.defaultCell == "required") {
                problems.append("line \(row.line): \(key.path) is \(key.required ? "required" : "optional") in the schema")
            }
            let expected: [String]
            switch key.defaultValue {
            case let list as [Any]: expected = list.map { "\($0)" }
            case let flag? where key.isBoolean: expected = [(flag as? Bool) == true ? "true" : "false"]
            case let value?: expected = ["\(value)"]
            case nil: expected = []
            }
            for value in expected where !row.defaultCell.contains(value) {
                problems.append("line \(row.line): the default of \(key.path) is \(value) in the schema, the table says \(row.defaultCell)")
            }
        }
        let names = Set(schema.map(\.path))
        for (key, row) in documented where !names.contains(key) {
            problems.append("line \(row.line): `\(key)` is not a key of the schema")
        }
        return problems
    }

    @Test("every key of the configuration schema is in docs/reference.md with its default, and no other")
    func configurationKeysAreDocumented() throws {
        let schema = try ShippingTests.schemaKeys()
        #expect(schema.count > 30, "the schema walk found only \(schema.map(\.path))")
        let problems = Self.keyProblems(schema: schema, documented: Self.documentedKeys(try Self.reference()))
        #expect(problems.isEmpty, "docs/reference.md, Configuration keys:\n\(problems.joined(separator: "\n"))")
    }

    @Test("the check notices a key that is missing, a wrong default and a key that is gone")
    func keyCheckNoticesGaps() throws {
        let schema = try ShippingTests.schemaKeys()
        let whole = Self.documentedKeys(try Self.reference())
        // Counted against what the page lacks today (the test above reports that), so each
        // change below must add exactly one problem.
        let base = Self.keyProblems(schema: schema, documented: whole).count
        var missing = whole
        missing["settings.scan_interval"] = nil
        #expect(Self.keyProblems(schema: schema, documented: missing).count == base + 1)
        var wrong = whole
        wrong["settings.scan_interval"] = ("`10m`", 1)
        #expect(Self.keyProblems(schema: schema, documented: wrong).count == base + 1)
        var extra = whole
        extra["settings.gone"] = ("none", 1)
        #expect(Self.keyProblems(schema: schema, documented: extra).count == base + 1)
    }

    // MARK: - Users never need a file outside the repository

    @Test("README, docs and examples cite no SPEC section and link to files that exist", arguments: ["README.md", "docs", "examples"])
    func documentationIsSelfContained(_ place: String) throws {
        let root = ShippingTests.repository
        var files: [String] = []
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: root.appendingPathComponent(place).path, isDirectory: &isDirectory), isDirectory.boolValue {
            let walker = FileManager.default.enumerator(atPath: root.appendingPathComponent(place).path)
            while let path = walker?.nextObject() as? String {
                if !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { files.append("\(place)/\(path)") }
            }
        } else {
            files = [place]
        }
        for file in files {
            guard let text = try? ShippingTests.read(file) else { continue }
            for match in ShippingTests.matches(#"(?<![A-Za-z])SPEC(?:\.md)?(?:\s*§\s*\d+)?(?![A-Za-z])"#, in: text) {
                Issue.record("\(file) cites \(match[0]): link to docs/reference.md instead")
            }
            guard file.hasSuffix(".md") else { continue }
            let folder = (file as NSString).deletingLastPathComponent
            for link in ShippingTests.matches(#"\]\(([^)#:\s]+)(?:#[^)]*)?\)"#, in: text).map({ $0[1] }) {
                let target = root.appendingPathComponent(folder).appendingPathComponent(link).standardizedFileURL
                #expect(target.path.hasPrefix(root.standardizedFileURL.path), "\(file) links outside the repository: \(link)")
                #expect(FileManager.default.fileExists(atPath: target.path), "\(file) links to \(link), which does not exist")
            }
        }
    }
}
