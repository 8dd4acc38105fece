import Foundation
import Testing

/// The JSON schemas in `schemas/` must describe what `monitor check` accepts (configuration)
/// and what SPEC §3 allows (status files). Each check runs the real `check-jsonschema`.
@Suite("JSON schemas")
struct SchemaTests {
    static let configSchema = Fixtures.repository.appendingPathComponent("schemas/monitor-config.schema.json")
    static let statusSchema = Fixtures.repository.appendingPathComponent("schemas/status.schema.json")

    // MARK: - Inputs

    /// Every example configuration file (`examples/ci/` holds CI pipelines and
    /// `examples/prometheus/` alerting rules, not configurations;
    /// ShippingTests validates those against their own schemas) and every file of the valid
    /// configuration fixtures of MonitorCoreTests, relative to the repository.
    static let validConfigurations: [String] = {
        var files: [String] = []
        let examples = Fixtures.repository.appendingPathComponent("examples")
        if let walker = FileManager.default.enumerator(atPath: examples.path) {
            while let path = walker.nextObject() as? String {
                if ["yaml", "yml"].contains((path as NSString).pathExtension), !path.hasPrefix("ci/"), !path.hasPrefix("prometheus/"),
                    (path as NSString).lastPathComponent != "compose.yaml"
                {
                    files.append("examples/\(path)")
                }
            }
        }
        let core = "Tests/MonitorCoreTests/Fixtures"
        files += Fixtures.files(in: "\(core)/valid", extensions: ["yaml", "yml"], base: Fixtures.repository).map { "\(core)/valid/\($0)" }
        for folder in Fixtures.folders(in: "\(core)/valid-dirs", base: Fixtures.repository) {
            let path = "\(core)/valid-dirs/\(folder)"
            files += Fixtures.files(in: path, extensions: ["yaml", "yml"], base: Fixtures.repository).map { "\(path)/\($0)" }
        }
        return files.sorted()
    }()

    /// Configurations that both the schema and `monitor check` refuse, relative to `Fixtures/`.
    static let schemaInvalidConfigurations = Fixtures.files(in: "schema-invalid", extensions: ["yaml"]).map { "schema-invalid/\($0)" }
    static let validStatusFiles = Fixtures.files(in: "status/valid", extensions: ["json"]).map { "status/valid/\($0)" }
    static let invalidStatusFiles = Fixtures.files(in: "status/invalid", extensions: ["json"]).map { "status/invalid/\($0)" }

    // check-jsonschema takes half a second to start: each group is validated in one run, once.
    static let validConfigurationProblems = Result {
        try CheckJSONSchema.validate(validConfigurations, against: configSchema, in: Fixtures.repository)
    }
    static let schemaInvalidProblems = Result {
        try CheckJSONSchema.validate(schemaInvalidConfigurations, against: configSchema, in: Fixtures.root)
    }
    static let statusProblems = Result {
        try CheckJSONSchema.validate(validStatusFiles + invalidStatusFiles, against: statusSchema, in: Fixtures.root)
    }

    // MARK: - Tests

    @Test("the fixtures are found")
    func fixturesAreFound() {
        #expect(Self.validConfigurations.contains("examples/quickstart/monitor.yaml"))
        #expect(Self.validConfigurations.count >= 4)
        #expect(Self.schemaInvalidConfigurations.count >= 5)
        #expect(Self.validStatusFiles.count >= 3)
        #expect(Self.invalidStatusFiles.count >= 5)
    }

    @Test("each schema is valid under the JSON Schema 2020-12 metaschema", arguments: ["monitor-config.schema.json", "status.schema.json"])
    func schemaMatchesMetaschema(_ name: String) throws {
        let schema = Fixtures.repository.appendingPathComponent("schemas/\(name)")
        let text = try String(contentsOf: schema, encoding: .utf8)
        #expect(text.contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""))
        let result = try CheckJSONSchema.checkMetaschema(schema)
        #expect(result.exit == 0, "check-jsonschema --check-metaschema \(name):\n\(result.stdout)\(result.stderr)")
    }

    @Test("examples and valid fixtures validate against the configuration schema", arguments: validConfigurations)
    func validConfigurationMatchesSchema(_ file: String) throws {
        let problems = try Self.validConfigurationProblems.get()[file] ?? ["not validated"]
        #expect(problems.isEmpty, "\(file) does not match schemas/monitor-config.schema.json:\n\(problems.joined(separator: "\n"))")
    }

    @Test("invalid configurations are refused by the schema and by monitor check", arguments: schemaInvalidConfigurations)
    func invalidConfigurationIsRefusedByBoth(_ file: String) throws {
        let problems = try Self.schemaInvalidProblems.get()[file] ?? []
        #expect(!problems.isEmpty, "schemas/monitor-config.schema.json accepts \(file), which monitor check refuses")

        let result = try runMonitor(["check", "--config", file, "--format", "json"], cwd: Fixtures.root)
        #expect(result.exit == 1, "monitor check exited \(result.exit)\n\(result.stderr)")
        let errors = try ReportedDiagnostic.decode(result.stdout).filter { $0.severity == "error" }
        let declared = DeclaredError.all(in: try Fixtures.text(file))
        #expect(!declared.isEmpty, "\(file) declares no `# ERROR@<column>: <part of the message>` comment")
        let unexpected = errors.filter { error in !declared.contains { $0.matches(error) } }
        let missing = declared.filter { marker in !errors.contains { marker.matches($0) } }
        #expect(
            unexpected.isEmpty && missing.isEmpty,
            """
            reported by monitor check but not declared: \(unexpected.map(\.description))
            declared in \(file) but not reported: \(missing.map(\.description))
            """)
    }

    @Test("valid status files match the status schema", arguments: validStatusFiles)
    func validStatusFileMatchesSchema(_ file: String) throws {
        let problems = try Self.statusProblems.get()[file] ?? ["not validated"]
        #expect(problems.isEmpty, "\(file) does not match schemas/status.schema.json:\n\(problems.joined(separator: "\n"))")
    }

    @Test("hostile and malformed status files are refused by the status schema", arguments: invalidStatusFiles)
    func invalidStatusFileIsRefused(_ file: String) throws {
        let problems = try Self.statusProblems.get()[file] ?? []
        #expect(!problems.isEmpty, "schemas/status.schema.json accepts \(file)")
    }

    @Test("example configurations point editors at the schema", arguments: validConfigurations.filter { $0.hasPrefix("examples/") })
    func exampleNamesTheSchema(_ file: String) throws {
        let url = Fixtures.repository.appendingPathComponent(file)
        let firstLine = try String(contentsOf: url, encoding: .utf8).prefix { $0 != "\n" }
        // The path is relative to the file, so it only holds for files two folders below the repository.
        let depth = file.split(separator: "/").count - 1
        let relative = String(repeating: "../", count: depth) + "schemas/monitor-config.schema.json"
        #expect(firstLine == "# yaml-language-server: $schema=\(relative)")
        #expect(FileManager.default.fileExists(atPath: url.deletingLastPathComponent().appendingPathComponent(relative).standardizedFileURL.path))
    }
}
