import Foundation
import MonitorCore
import Testing

/// What ships beside the binary — `.env.example`, the Dockerfile and compose file, the systemd
/// units, the CI script and the documentation — must say what the code does. Each test reads
/// the real files of the repository and, where it can, runs them.
@Suite("Shipping and documentation")
struct ShippingTests {
    static let repository = Fixtures.repository

    static func read(_ path: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
    }

    static func matches(_ pattern: String, in text: String, options: NSRegularExpression.Options = []) -> [[String]] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: options) else {
            Issue.record("bad pattern \(pattern)")
            return []
        }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (0..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }

    static func mentions(_ text: String, _ word: String) -> Bool {
        !matches("(?<![A-Za-z0-9_])\(NSRegularExpression.escapedPattern(for: word))(?![A-Za-z0-9_])", in: text).isEmpty
    }

    // MARK: - Environment variables

    /// Every environment variable the code reads by name: `environment["NAME"]`,
    /// `getenv("NAME")`, and every `MONITOR_…` name in the Swift sources (constants, help text).
    static let environmentVariablesInCode: [String: Set<String>] = {
        var found: [String: Set<String>] = [:]
        let sources = repository.appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(atPath: sources.path) else { return [:] }
        let patterns = [
            #"environment\s*\[\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\]"#,
            #"getenv\s*\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)"#,
            #"(?<![A-Za-z0-9_])(MONITOR_[A-Z0-9_]*[A-Z0-9])(?![A-Za-z0-9_])"#,
        ]
        while let path = walker.nextObject() as? String {
            guard path.hasSuffix(".swift"),
                let text = try? String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
            else { continue }
            for pattern in patterns {
                for match in matches(pattern, in: text) { found[match[1], default: []].insert("Sources/\(path)") }
            }
        }
        return found
    }()

    @Test("the scan of Sources finds the variables SPEC §7 names")
    func scanFindsTheDocumentedVariables() {
        let names = Set(Self.environmentVariablesInCode.keys)
        #expect(names.isSuperset(of: ["MONITOR_STATE", "MONITOR_CONFIG", "MONITOR_LOG_LEVEL"]), "found only \(names.sorted())")
    }

    @Test(
        "every environment variable read by the code is in .env.example, docs/configuration.md and the README",
        arguments: [".env.example", "docs/configuration.md", "README.md"])
    func environmentVariablesAreDocumented(_ document: String) throws {
        let text = try Self.read(document)
        for (name, files) in Self.environmentVariablesInCode.sorted(by: { $0.key < $1.key }) {
            #expect(Self.mentions(text, name), "\(document) does not mention \(name), which \(files.sorted().joined(separator: ", ")) reads")
        }
    }

    /// Full configurations shipped as examples or in the documentation.
    static func exampleConfigurationTexts() throws -> [(String, String)] {
        var texts: [(String, String)] = []
        let examples = repository.appendingPathComponent("examples")
        if let walker = FileManager.default.enumerator(atPath: examples.path) {
            while let path = walker.nextObject() as? String {
                guard ["yaml", "yml"].contains((path as NSString).pathExtension) else { continue }
                texts.append(("examples/\(path)", try read("examples/\(path)")))
            }
        }
        for block in try Self.fullConfigurationBlocks() { texts.append((block.id, block.yaml)) }
        return texts
    }

    @Test("every secret variable an example configuration names (*_env) is in .env.example")
    func secretVariablesOfTheExamplesAreInEnvExample() throws {
        let env = try Self.read(".env.example")
        var named: [String: String] = [:]
        for (file, text) in try Self.exampleConfigurationTexts() {
            for match in Self.matches(#"(?m)^\s*[a-z_]+_env\s*:\s*([A-Za-z_][A-Za-z0-9_]*)"#, in: text) { named[match[1]] = file }
        }
        #expect(named.keys.contains("SMTP_PASSWORD"), "the scan of examples found \(named.keys.sorted())")
        for (name, file) in named.sorted(by: { $0.key < $1.key }) {
            #expect(Self.mentions(env, name), ".env.example does not mention \(name), which \(file) names")
        }
    }

    @Test(".env.example has only NAME=value lines and comments, each name once")
    func envExampleIsPlainAssignments() throws {
        var seen: Set<String> = []
        for (number, line) in try Self.read(".env.example").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = String(line)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let assignment = Self.matches(#"^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$"#, in: text)
            #expect(assignment.count == 1, ".env.example:\(number + 1): not NAME=value (no spaces, no quotes): \(text)")
            if let name = assignment.first?[1] {
                #expect(seen.insert(name).inserted, ".env.example:\(number + 1): \(name) is set twice")
            }
        }
        #expect(!seen.isEmpty)
    }

    // MARK: - The configuration reference and the schema

    struct SchemaKey: Equatable {
        var path: String
        var required: Bool
        var defaultValue: Any?
        var isBoolean: Bool
        static func == (a: SchemaKey, b: SchemaKey) -> Bool { a.path == b.path }
    }

    /// Every key of the configuration schema as a dotted path: map entries are `<name>` (the
    /// names of jobs, destinations and routes) or `<key>` (free keys such as labels).
    static func schemaKeys() throws -> [SchemaKey] {
        let data = try Data(contentsOf: repository.appendingPathComponent("schemas/monitor-config.schema.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let definitions = root["$defs"] as? [String: Any] ?? [:]

        func resolved(_ node: [String: Any]) -> [String: Any] {
            guard let reference = node["$ref"] as? String, reference.hasPrefix("#/$defs/"),
                let target = definitions[String(reference.dropFirst("#/$defs/".count))] as? [String: Any]
            else { return node }
            return resolved(target).merging(node.filter { $0.key != "$ref" }) { _, local in local }
        }
        var keys: [SchemaKey] = []
        func walk(_ raw: [String: Any], prefix: String) {
            let node = resolved(raw)
            let required = Set(node["required"] as? [String] ?? [])
            for (name, child) in (node["properties"] as? [String: Any] ?? [:]) {
                guard let child = child as? [String: Any] else { continue }
                let path = prefix.isEmpty ? name : "\(prefix).\(name)"
                let full = resolved(child)
                keys.append(
                    SchemaKey(
                        path: path, required: required.contains(name), defaultValue: full["default"],
                        isBoolean: full["type"] as? String == "boolean"))
                walk(child, prefix: path)
            }
            if let entry = node["additionalProperties"] as? [String: Any] {
                let names = (node["propertyNames"] as? [String: Any])?["$ref"] as? String == "#/$defs/name"
                let path = "\(prefix).\(names ? "<name>" : "<key>")"
                keys.append(SchemaKey(path: path, required: false, defaultValue: resolved(entry)["default"], isBoolean: false))
                walk(entry, prefix: path)
            }
        }
        walk(root, prefix: "")
        return keys.sorted { $0.path < $1.path }
    }

    struct DocumentedKey {
        var key: String
        var defaultCell: String
        var line: Int
    }

    /// Rows of the tables of docs/configuration.md whose header starts `| key | type | default |`.
    static func documentedKeys() throws -> [DocumentedKey] {
        var keys: [DocumentedKey] = []
        var inKeyTable = false
        for (number, line) in try read("docs/configuration.md").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("|") else {
                inKeyTable = false
                continue
            }
            let cells = tableCells(text)
            if cells.first == "key", cells.count > 2, cells[1] == "type", cells[2] == "default" {
                inKeyTable = true
                continue
            }
            guard inKeyTable, let first = cells.first, first.hasPrefix("`"), first.hasSuffix("`"), first.count > 2 else { continue }
            keys.append(DocumentedKey(key: String(first.dropFirst().dropLast()), defaultCell: cells.count > 2 ? cells[2] : "", line: number + 1))
        }
        return keys
    }

    /// The cells of a Markdown table row; `\|` inside a cell is not a separator.
    static func tableCells(_ row: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var escaped = false
        for character in row.dropFirst() {
            if escaped {
                cell.append(character)
                escaped = false
                continue
            }
            switch character {
            case "\\":
                cell.append(character)
                escaped = true
            case "|":
                cells.append(cell.trimmingCharacters(in: .whitespaces))
                cell = ""
            default: cell.append(character)
            }
        }
        return cells
    }

    @Test("docs/configuration.md documents exactly the keys of schemas/monitor-config.schema.json")
    func configurationReferenceMatchesTheSchema() throws {
        let schema = Set(try Self.schemaKeys().map(\.path))
        let documented = try Self.documentedKeys()
        #expect(schema.count > 30, "the schema walk found only \(schema.sorted())")
        let missing = schema.subtracting(documented.map(\.key))
        #expect(missing.isEmpty, "keys of the schema that docs/configuration.md does not document: \(missing.sorted())")
        for key in documented where !schema.contains(key.key) {
            Issue.record("docs/configuration.md:\(key.line): `\(key.key)` is not a key of the schema")
        }
        let counts = Dictionary(grouping: documented, by: \.key).filter { $0.value.count > 1 }
        #expect(counts.isEmpty, "keys documented twice: \(counts.keys.sorted())")
    }

    @Test("the defaults and required keys in docs/configuration.md are the schema's")
    func configurationReferenceDefaultsMatchTheSchema() throws {
        let documented = Dictionary(try Self.documentedKeys().map { ($0.key, $0) }) { first, _ in first }
        #expect(documented.count > 30, "docs/configuration.md: only \(documented.keys.sorted()) parsed")
        for key in try Self.schemaKeys() {
            guard let row = documented[key.path] else { continue }
            if key.required {
                #expect(row.defaultCell == "required", "docs/configuration.md:\(row.line): \(key.path) is required by the schema")
            } else {
                #expect(row.defaultCell != "required", "docs/configuration.md:\(row.line): \(key.path) is optional in the schema")
            }
            let expected: [String]
            switch key.defaultValue {
            case let list as [Any]: expected = list.map { "\($0)" }
            case let flag? where key.isBoolean: expected = [(flag as? Bool) == true ? "true" : "false"]
            case let value?: expected = ["\(value)"]
            case nil: expected = []
            }
            for value in expected {
                #expect(
                    Self.mentions(row.defaultCell, value) || row.defaultCell.contains("`\(value)`"),
                    "docs/configuration.md:\(row.line): the default of \(key.path) is \(value) in the schema, the page says \(row.defaultCell)")
            }
        }
    }

    // MARK: - Configurations in the documentation pass `monitor check`

    struct YAMLBlock: CustomTestStringConvertible, Sendable {
        var id: String
        var yaml: String
        var testDescription: String { id }
    }

    /// Fenced ```yaml blocks that are whole configurations (a `version: 1` line).
    static func fullConfigurationBlocks() throws -> [YAMLBlock] {
        var blocks: [YAMLBlock] = []
        for document in ["docs/quick_start.md", "docs/configuration.md", "README.md"] {
            let text = try read(document)
            for match in matches(#"(?ms)^```ya?ml[ \t]*\n(.*?)^```[ \t]*$"#, in: text) {
                guard !matches(#"(?m)^version:\s*1\s*$"#, in: match[1]).isEmpty else { continue }
                let line = text[..<text.range(of: match[0])!.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).count
                blocks.append(YAMLBlock(id: "\(document):\(line)", yaml: match[1]))
            }
        }
        return blocks
    }

    static let documentedConfigurations: [YAMLBlock] = (try? fullConfigurationBlocks()) ?? []

    @Test("the quick start and the reference each hold a full configuration")
    func documentationHoldsConfigurations() {
        let ids = Self.documentedConfigurations.map(\.id)
        #expect(ids.contains { $0.hasPrefix("docs/quick_start.md:") }, "\(ids)")
        #expect(ids.contains { $0.hasPrefix("docs/configuration.md:") }, "\(ids)")
    }

    @Test("every full configuration in the documentation passes monitor check", arguments: documentedConfigurations)
    func documentedConfigurationPassesCheck(_ block: YAMLBlock) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-docs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try block.yaml.write(to: folder.appendingPathComponent("monitor.yaml"), atomically: true, encoding: .utf8)
        let result = try runMonitor(["check", "--format", "json"], cwd: folder)
        #expect(result.exit == 0, "\(block.id) fails monitor check:\n\(result.stdout)\(result.stderr)")
        let diagnostics = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        let errors = diagnostics.filter { $0["severity"] as? String == "error" }
        #expect(errors.isEmpty, "\(block.id): \(errors)")
    }

    // MARK: - The README covers every command

    @Test("the README lists every subcommand of monitor --help")
    func readmeListsEveryCommand() throws {
        let help = try runMonitor(["--help"]).stdout
        let section = help.components(separatedBy: "SUBCOMMANDS:").dropFirst().first ?? ""
        let commands = Self.matches(#"(?m)^  ([a-z][a-z-]*)\b"#, in: section).map { $0[1] }
        #expect(commands.count >= 8, "monitor --help lists \(commands)")
        let readme = try Self.read("README.md")
        for command in commands {
            #expect(readme.contains("`monitor \(command)"), "README.md has no `monitor \(command)`")
        }
    }

    // MARK: - Docker

    static func dockerfile() throws -> String {
        // Continuation lines joined, so that each instruction is one line.
        try read("Dockerfile").replacingOccurrences(of: "\\\n", with: " ")
    }

    static func instruction(_ name: String, in dockerfile: String) -> [String] {
        matches("(?m)^\(name)\\s+(.*)$", in: dockerfile).map { $0[1] }
    }

    /// The `- a:b[:ro]` entries of a service's `volumes:` in docker-compose.yml, as container paths.
    static func composeService(_ name: String, in compose: String) -> String {
        let lines = compose.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: "  \(name):") else { return "" }
        var body: [String] = []
        for line in lines[(start + 1)...] {
            if !line.isEmpty, !line.hasPrefix("   "), !line.hasPrefix("  #") { break }
            body.append(line)
        }
        return body.joined(separator: "\n")
    }

    static func composeVolumeTargets(_ service: String) -> Set<String> {
        Set(matches(#"(?m)^\s+-\s+"?[^\s:"]+:(/[^\s:"]*)(?::r[ow])?"?\s*$"#, in: service).map { $0[1] })
    }

    @Test("Dockerfile and docker-compose.yml use the code's port, one healthcheck path and the same volumes")
    func dockerAndComposeAgree() throws {
        let dockerfile = try Self.dockerfile()
        let compose = try Self.read("docker-compose.yml")
        let port = Settings.defaultListen.port

        #expect(Self.instruction("EXPOSE", in: dockerfile) == ["\(port)"])
        let command = try #require(Self.instruction("CMD", in: dockerfile).first)
        #expect(command.contains(#""--listen", "0.0.0.0:\#(port)""#), "CMD \(command)")
        #expect(Self.instruction("FROM", in: dockerfile).first?.hasPrefix("swift:6.") == true)
        #expect(Self.instruction("RUN", in: dockerfile).contains { $0.contains("--static-swift-stdlib") })
        #expect(Self.instruction("USER", in: dockerfile).first.map { $0 != "root" && $0 != "0" } == true)

        let healthcheck = try #require(Self.instruction("HEALTHCHECK", in: dockerfile).first)
        let probe = try #require(Self.matches(#"http://127\.0\.0\.1:(\d+)(/[A-Za-z0-9_/-]*)"#, in: healthcheck).first)
        #expect(probe[1] == "\(port)")

        let daemon = Self.composeService("monitor", in: compose)
        let cli = Self.composeService("cli", in: compose)
        #expect(!daemon.isEmpty && !cli.isEmpty, "docker-compose.yml has no `monitor` or `cli` service")
        #expect(daemon.contains("http://127.0.0.1:\(port)\(probe[2])\""), "the compose healthcheck does not probe \(probe[2]) on \(port)")
        let published = Self.matches(#"(?m)^\s+-\s+"(?:[0-9.]+:)?\d+:(\d+)"\s*$"#, in: daemon).map { $0[1] }
        #expect(published == ["\(port)"], "compose publishes container ports \(published)")
        #expect(daemon.contains("env_file: .env") && cli.contains("env_file: .env"))
        #expect(daemon.contains("restart:"))

        let volumesJSON = try #require(Self.instruction("VOLUME", in: dockerfile).first)
        let volumes = Set(try #require(try JSONSerialization.jsonObject(with: Data(volumesJSON.utf8)) as? [String]))
        #expect(volumes.count == 2, "VOLUME \(volumes)")
        for (name, service) in [("monitor", daemon), ("cli", cli)] {
            let targets = Self.composeVolumeTargets(service)
            #expect(targets.isSuperset(of: volumes), "compose service \(name) mounts \(targets.sorted()), the image declares \(volumes.sorted())")
        }

        // The image's MONITOR_STATE lies in the state volume, MONITOR_CONFIG is mounted by
        // compose, and .env.example agrees with the image.
        let environment = Dictionary(
            Self.matches(#"(MONITOR_[A-Z_]+)=(\S+)"#, in: Self.instruction("ENV", in: dockerfile).joined(separator: " "))
                .map { ($0[1], $0[2]) }
        ) { first, _ in first }
        let state = try #require(environment["MONITOR_STATE"])
        #expect(volumes.contains { state.hasPrefix($0 + "/") }, "MONITOR_STATE=\(state) is outside the volumes \(volumes)")
        let config = try #require(environment["MONITOR_CONFIG"])
        #expect(Self.composeVolumeTargets(daemon).contains(config), "compose does not mount the configuration at \(config)")
        let env = try Self.read(".env.example")
        for (name, value) in environment {
            for match in Self.matches("(?m)^\(name)=(\\S*)$", in: env) {
                #expect(match[1] == value, ".env.example sets \(name)=\(match[1]), the image \(value)")
            }
        }
    }

    @Test(".dockerignore keeps build folders, git, Package.resolved and secrets out of the image")
    func dockerignoreExcludesBuildOutput() throws {
        let patterns = Set(
            try Self.read(".dockerignore").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") })
        #expect(patterns.isSuperset(of: [".build*", ".git", "Package.resolved", ".env"]), "\(patterns.sorted())")
    }

    @Test("the healthcheck path of the image answers 200 from a running daemon", .timeLimit(.minutes(2)))
    func healthcheckPathAnswers() throws {
        let healthcheck = try #require(Self.instruction("HEALTHCHECK", in: try Self.dockerfile()).first)
        let path = try #require(Self.matches(#"http://127\.0\.0\.1:\d+(/[A-Za-z0-9_/-]*)"#, in: healthcheck).first?[1])
        let box = try BackupSandbox.dailyJob()
        let daemon = try DaemonProcess(in: box.root)
        var status = 0
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            status = try daemon.request("GET", path).status
            if status == 200 { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(status == 200, "GET \(path): \(status)\n\(daemon.log)")
        #expect(try daemon.request("GET", path + "-nothing-here").status == 404)
        #expect(daemon.terminate() == 0)
    }

    @Test(
        "the compose file and the CI examples match their published schemas (check-jsonschema's vendored copies)",
        arguments: [
            ("docker-compose.yml", "vendor.compose-spec"), ("examples/several-hosts/compose.yaml", "vendor.compose-spec"),
            ("examples/ci/github-actions.yml", "vendor.github-workflows"),
            ("examples/ci/gitlab-ci.yml", "vendor.gitlab-ci"),
        ])
    func filesMatchTheirSchemas(_ file: String, _ schema: String) throws {
        let result = try runProcess(
            try CheckJSONSchema.executable(), ["--builtin-schema", schema, file],
            environment: ProcessInfo.processInfo.environment, in: Self.repository)
        #expect(result.exit == 0, "check-jsonschema --builtin-schema \(schema) \(file):\n\(result.stdout)\(result.stderr)")
    }

    // MARK: - systemd

    static let systemdUnits = ["monitor.service", "monitor-report.service", "monitor-report.timer"]

    @Test("systemd-analyze verify accepts the units, with monitor at its ExecStart path")
    func systemdUnitsVerify() throws {
        let analyze = try programOnPath("systemd-analyze", installHint: "apt-get install systemd")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = try MonitorExecutable.url().path
        var paths: [String] = []
        for unit in Self.systemdUnits {
            let text = try Self.read("examples/systemd/\(unit)")
            try text.replacingOccurrences(of: "/usr/local/bin/monitor", with: binary)
                .write(to: folder.appendingPathComponent(unit), atomically: true, encoding: .utf8)
            paths.append(folder.appendingPathComponent(unit).path)
        }
        let result = try runProcess(analyze, ["verify"] + paths, environment: ProcessInfo.processInfo.environment, in: folder)
        #expect(result.exit == 0 && (result.stdout + result.stderr).isEmpty, "systemd-analyze verify:\n\(result.stdout)\(result.stderr)")
    }

    @Test("the service unit is hardened and checks the configuration before starting")
    func serviceUnitIsHardened() throws {
        let unit = try Self.read("examples/systemd/monitor.service")
        let settings = Dictionary(Self.matches(#"(?m)^([A-Za-z]+)=(.*)$"#, in: unit).map { ($0[1], $0[2]) }) { first, _ in first }
        #expect(settings["ExecStartPre"]?.hasSuffix("monitor check") == true)
        #expect(settings["ExecStart"]?.hasSuffix("monitor run") == true)
        #expect(settings["ProtectSystem"] == "strict")
        #expect(settings["NoNewPrivileges"] == "yes")
        #expect(settings["PrivateTmp"] == "yes")
        #expect(settings["ProtectHome"] == "yes")
        #expect(settings["SystemCallFilter"] == "@system-service")
        #expect(settings["Restart"] == "on-failure")
        #expect(settings["RestrictAddressFamilies"]?.contains("AF_INET") == true)
        #expect(settings["ReadWritePaths"]?.isEmpty == false)
        #expect(settings["EnvironmentFile"]?.isEmpty == false)
        #expect(settings["User"] != nil || settings["DynamicUser"] == "yes")
    }

    // MARK: - CI script

    static func ci(_ arguments: [String], in box: BackupSandbox, env: [String: String] = [:]) throws -> ProcessResult {
        let script = repository.appendingPathComponent("examples/ci/monitor-ci.sh").path
        let environment = monitorBaseEnvironment.merging(["MONITOR_BIN": try MonitorExecutable.url().path].merging(env) { _, b in b }) { _, b in b }
        return try runProcess(URL(fileURLWithPath: "/bin/sh"), [script] + arguments, environment: environment, in: box.root)
    }

    @Test("monitor-ci.sh: check annotates, plan saves a reviewable plan, apply applies it once and refuses a stale or foreign plan")
    func ciScriptWorkflow() throws {
        let box = try BackupSandbox(
            jobs: """
                  db:
                    destination: nas
                    schedule: "0 2 * * *"
                    window: 3h
                """)
        let config = box.root.appendingPathComponent("monitor.yaml")
        let outputs = box.root.appendingPathComponent("github-output")

        var result = try Self.ci(["check"], in: box)
        #expect(result.exit == 0, "\(result.stdout)\(result.stderr)")

        result = try Self.ci(["plan"], in: box, env: ["GITHUB_OUTPUT": outputs.path])
        #expect(result.exit == 0, "\(result.stdout)\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: box.root.appendingPathComponent("plan.json").path))
        let planText = try String(contentsOf: box.root.appendingPathComponent("plan.txt"), encoding: .utf8)
        #expect(planText.contains("+ job db"), "\(planText)")
        #expect(try String(contentsOf: outputs, encoding: .utf8).contains("changes=true"))
        #expect(try Self.ci(["plan"], in: box, env: ["PLAN_EXIT_ON_CHANGES": "1"]).exit == 2)

        result = try Self.ci(["apply"], in: box)
        #expect(result.exit == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Applied revision 1"), "\(result.stdout)")

        result = try Self.ci(["apply"], in: box)
        #expect(result.exit == 1, "a stale plan was applied: \(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("stale"), "\(result.stderr)")

        try Data().write(to: outputs)
        result = try Self.ci(["plan"], in: box, env: ["GITHUB_OUTPUT": outputs.path, "PLAN_EXIT_ON_CHANGES": "1"])
        #expect(result.exit == 0, "\(result.stdout)\(result.stderr)")
        #expect(try String(contentsOf: outputs, encoding: .utf8).contains("changes=false"))

        // A plan reviewed for one configuration is not applied to another (a merge brought more).
        try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "window: 3h", with: "window: 4h")
            .write(to: config, atomically: true, encoding: .utf8)
        result = try Self.ci(["apply"], in: box)
        #expect(result.exit == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("another configuration"), "\(result.stderr)")
        #expect(try box.monitor(["plan", "--detailed-exitcode"], expecting: 2).exit == 2)

        try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "window: 4h", with: "windo: 4h")
            .write(to: config, atomically: true, encoding: .utf8)
        result = try Self.ci(["check"], in: box, env: ["GITHUB_ACTIONS": "true"])
        #expect(result.exit == 1)
        #expect(result.stdout.contains("::error file=monitor.yaml,line="), "\(result.stdout)")
        #expect(try Self.ci(["nonsense"], in: box).exit == 64)
    }
}
