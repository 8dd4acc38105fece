import Foundation
import Testing

/// `monitor check` end to end: the built executable, its exit codes and what it prints (SPEC §7).
@Suite("monitor check")
struct CheckCommandTests {
    /// Environment variables the examples name in `*_env` keys, by example.
    static let exampleSecrets: [String: Set<String>] = [
        "examples/quickstart/monitor.yaml": ["MONITOR_API_TOKEN", "SMTP_PASSWORD", "CHAT_WEBHOOK_URL"],
        "examples/multi-file": ["SMTP_PASSWORD", "DATA_CHAT_WEBHOOK_URL"],
        "examples/several-hosts/monitor.yaml": ["SMTP_PASSWORD"],
    ]

    static func values(for names: Set<String>) -> [String: String] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, "set-for-the-test") })
    }

    // MARK: - Examples

    @Test("the examples are valid, without warnings about secrets when they are set", arguments: exampleSecrets.keys.sorted())
    func exampleIsValid(_ path: String) throws {
        let result = try runMonitor(
            ["check", "--config", path, "--strict"], env: Self.values(for: Self.exampleSecrets[path]!),
            cwd: Fixtures.repository)
        #expect(result.exit == 0, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("error:"))
        #expect(!result.stdout.contains("environment variable"))
        #expect(result.stdout.split(separator: "\n").last?.hasPrefix("\(path): valid: ") == true, "\(result.stdout)")
        #expect(result.stderr.isEmpty)
    }

    @Test("unset secrets of the examples are warnings: exit 0, one warning per variable", arguments: exampleSecrets.keys.sorted())
    func exampleUnsetSecretsWarn(_ path: String) throws {
        let result = try runMonitor(["check", "--config", path, "--format", "json"], cwd: Fixtures.repository)
        #expect(result.exit == 0, "\(result.stdout)\(result.stderr)")
        let diagnostics = try ReportedDiagnostic.decode(result.stdout)
        #expect(diagnostics.allSatisfy { $0.severity == "warning" })
        #expect(Set(Self.variablesWarnedAbout(diagnostics)) == Self.exampleSecrets[path]!)
    }

    @Test("--strict turns the examples' unset secrets into errors: exit 1", arguments: exampleSecrets.keys.sorted())
    func exampleStrictUnsetSecretsFail(_ path: String) throws {
        let result = try runMonitor(["check", "--config", path, "--format", "json", "--strict"], cwd: Fixtures.repository)
        #expect(result.exit == 1)
        let errors = try ReportedDiagnostic.decode(result.stdout).filter { $0.severity == "error" }
        #expect(Set(Self.variablesWarnedAbout(errors)) == Self.exampleSecrets[path]!)
        #expect(errors.count == Self.exampleSecrets[path]!.count)
    }

    /// The variable names of "environment variable NAME is not set here" diagnostics.
    static func variablesWarnedAbout(_ diagnostics: [ReportedDiagnostic]) -> [String] {
        diagnostics.compactMap { diagnostic in
            guard diagnostic.message.hasPrefix("environment variable ") else { return nil }
            return diagnostic.message.dropFirst("environment variable ".count).split(separator: " ").first.map(String.init)
        }
    }

    // MARK: - Invalid configuration, the three formats

    @Test("an invalid configuration: every problem, exit 1, in each output format", arguments: ["text", "json", "github"])
    func invalidConfiguration(_ format: String) throws {
        let result = try runMonitor(["check", "--config", "check/broken.yaml", "--format", format], cwd: Fixtures.root)
        #expect(result.exit == 1)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        try assertSnapshot(result.stdout, named: "broken.\(format).txt")
    }

    @Test("json output is an array of {file, line, column, severity, message}")
    func jsonShape() throws {
        let result = try runMonitor(["check", "--config", "check/broken.yaml", "--format", "json"], cwd: Fixtures.root)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let text = try runMonitor(["check", "--config", "check/broken.yaml"], cwd: Fixtures.root)
        let textDiagnostics = text.stdout.split(separator: "\n").filter { $0.contains(": error: ") || $0.contains(": warning: ") }
        #expect(rows.count == textDiagnostics.count)
        #expect(rows.count > 1)
        for row in rows {
            #expect(Set(row.keys) == ["file", "line", "column", "severity", "message"])
            #expect(row["file"] as? String == "check/broken.yaml")
            #expect(["error", "warning"].contains(row["severity"] as? String))
        }
    }

    @Test("text output is the default format")
    func textIsDefault() throws {
        let text = try runMonitor(["check", "--config", "check/broken.yaml", "--format", "text"], cwd: Fixtures.root)
        let plain = try runMonitor(["check", "--config", "check/broken.yaml"], cwd: Fixtures.root)
        #expect(plain.stdout == text.stdout)
        #expect(plain.exit == 1)
    }

    // MARK: - Secrets and --strict

    @Test("an unset environment variable is a warning (exit 0) without --strict")
    func unsetVariableWarns() throws {
        let result = try runMonitor(["check", "--config", "check/secrets.yaml"], cwd: Fixtures.root)
        #expect(result.exit == 0)
        try assertSnapshot(result.stdout, named: "secrets.text.txt")
    }

    @Test("an unset environment variable is an error (exit 1) with --strict")
    func unsetVariableFailsWhenStrict() throws {
        let result = try runMonitor(["check", "--config", "check/secrets.yaml", "--strict"], cwd: Fixtures.root)
        #expect(result.exit == 1)
        try assertSnapshot(result.stdout, named: "secrets.strict.text.txt")
    }

    @Test("an empty environment variable counts as unset")
    func emptyVariableWarns() throws {
        let env = ["MONITOR_API_TOKEN": "", "SMTP_PASSWORD": "x", "CHAT_WEBHOOK_URL": "https://hooks.example.com/x"]
        let result = try runMonitor(["check", "--config", "check/secrets.yaml", "--strict", "--format", "json"], env: env, cwd: Fixtures.root)
        #expect(result.exit == 1)
        let diagnostics = try ReportedDiagnostic.decode(result.stdout)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.severity == "error")
        #expect(diagnostics.first?.message.hasPrefix("environment variable MONITOR_API_TOKEN is empty here") == true, "\(diagnostics)")
    }

    @Test("with every variable set, --strict passes without a diagnostic")
    func setVariablesPassStrict() throws {
        let env = ["MONITOR_API_TOKEN": "t", "SMTP_PASSWORD": "p", "CHAT_WEBHOOK_URL": "https://hooks.example.com/x"]
        let result = try runMonitor(["check", "--config", "check/secrets.yaml", "--strict"], env: env, cwd: Fixtures.root)
        #expect(result.exit == 0)
        #expect(result.stdout == "check/secrets.yaml: valid: 1 job, 1 destination, 2 alert routes\n")
    }

    // MARK: - Finding the configuration

    @Test("MONITOR_CONFIG names the configuration when --config is not given")
    func configFromEnvironment() throws {
        let result = try runMonitor(["check"], env: ["MONITOR_CONFIG": "check/valid.yaml"], cwd: Fixtures.root)
        #expect(result.exit == 0)
        #expect(result.stdout == "check/valid.yaml: valid: 1 job, 1 destination, 1 alert route\n")
    }

    @Test("--config wins over MONITOR_CONFIG")
    func optionWinsOverEnvironment() throws {
        let result = try runMonitor(["check", "--config", "check/valid.yaml"], env: ["MONITOR_CONFIG": "check/broken.yaml"], cwd: Fixtures.root)
        #expect(result.exit == 0)
        #expect(result.stdout == "check/valid.yaml: valid: 1 job, 1 destination, 1 alert route\n")
    }

    @Test("monitor.yaml in the working directory is the default")
    func defaultConfigInWorkingDirectory() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(
            at: Fixtures.root.appendingPathComponent("check/valid.yaml"),
            to: folder.appendingPathComponent("monitor.yaml"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("backups"), withIntermediateDirectories: true)
        let result = try runMonitor(["check"], cwd: folder)
        #expect(result.exit == 0, "\(result.stdout)")
        #expect(result.stdout == "monitor.yaml: valid: 1 job, 1 destination, 1 alert route\n")
    }

    @Test("without --config, MONITOR_CONFIG or monitor.yaml: exit 1 and how to give one")
    func noConfigAnywhere() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runMonitor(["check"], cwd: folder)
        #expect(result.exit == 1)
        try assertSnapshot(result.stdout, named: "no-config.text.txt")
    }

    @Test("a missing --config path: exit 1 with a clear message", arguments: ["text", "github"])
    func missingConfigPath(_ format: String) throws {
        let result = try runMonitor(["check", "--config", "missing/monitor.yaml", "--format", format], cwd: Fixtures.root)
        #expect(result.exit == 1)
        #expect(result.stdout.contains("missing/monitor.yaml"))
        try assertSnapshot(result.stdout, named: "missing-config.\(format).txt")
    }

    @Test("a missing --config path in json: one error without a line")
    func missingConfigPathJSON() throws {
        let result = try runMonitor(["check", "--config", "missing/monitor.yaml", "--format", "json"], cwd: Fixtures.root)
        #expect(result.exit == 1)
        let diagnostics = try ReportedDiagnostic.decode(result.stdout)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.file == "missing/monitor.yaml")
        #expect(diagnostics.first?.line == nil)
        #expect(diagnostics.first?.severity == "error")
    }

    @Test("a folder is read as one configuration")
    func folderConfiguration() throws {
        let result = try runMonitor(
            ["check", "--config", "examples/multi-file", "--strict"],
            env: Self.values(for: Self.exampleSecrets["examples/multi-file"]!), cwd: Fixtures.repository)
        #expect(result.exit == 0)
        #expect(
            result.stdout.split(separator: "\n").last?.hasPrefix("examples/multi-file: valid: 5 jobs, 2 destinations, 3 alert routes") == true,
            "\(result.stdout)")
    }

    // MARK: - Help

    @Test("monitor check --help")
    func help() throws {
        let result = try runMonitor(["check", "--help"])
        #expect(result.exit == 0)
        try assertSnapshot(result.stdout, named: "check-help.txt")
    }

    @Test("an unknown format is a usage error")
    func unknownFormat() throws {
        let result = try runMonitor(["check", "--config", "check/valid.yaml", "--format", "xml"], cwd: Fixtures.root)
        #expect(result.exit != 0)
        #expect(result.stderr.contains("xml"))
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
