import Foundation
import MonitorCore
import MonitorTestSupport
import Testing

/// What `check` says about the host it runs on: unset variables and missing paths are warnings,
/// and `--strict` makes unset variables errors.
@Suite struct HostChecksTests {
    static let here = SourceLocation(file: "monitor.yaml", line: 3, column: 7)
    static let token = HostReference.environmentVariable(name: "API_TOKEN", purpose: "the API token", location: here)

    @Test func aSetVariableIsFine() {
        #expect(HostChecks(environment: ["API_TOKEN": "x"], strict: true).diagnostics(for: [Self.token]).isEmpty)
    }

    @Test(arguments: [false, true])
    func anUnsetVariableIsAWarningOrWithStrictAnError(_ strict: Bool) {
        let diagnostics = HostChecks(environment: ["OTHER": "x"], strict: strict).diagnostics(for: [Self.token])
        #expect(
            diagnostics == [
                Diagnostic(
                    strict ? .error : .warning,
                    "environment variable API_TOKEN is not set here; it holds the API token, so set it in the environment of `monitor run`",
                    at: Self.here)
            ])
    }

    @Test(arguments: [false, true])
    func anEmptyVariableCountsAsUnset(_ strict: Bool) {
        let diagnostics = HostChecks(environment: ["API_TOKEN": ""], strict: strict).diagnostics(for: [Self.token])
        #expect(diagnostics.map(\.severity) == [strict ? .error : .warning])
        #expect(diagnostics.first?.message.hasPrefix("environment variable API_TOKEN is empty here;") == true)
    }

    @Test func aVariableNamedTwiceIsReportedAtEachPlaceButOncePerPlace() {
        let elsewhere = HostReference.environmentVariable(
            name: "API_TOKEN", purpose: "the API token",
            location: SourceLocation(file: "b.yaml", line: 1, column: 1))
        let diagnostics = HostChecks(environment: [:], strict: false).diagnostics(for: [Self.token, Self.token, elsewhere])
        #expect(diagnostics.map(\.location) == [Self.here, SourceLocation(file: "b.yaml", line: 1, column: 1)])
    }

    @Test(arguments: [false, true])
    func missingPathsStayWarningsEvenWithStrict(_ strict: Bool) throws {
        let folder = try TemporaryFolder("monitor-host")
        try folder.write("file.pem", "pem\n")
        try folder.makeFolder("backups")
        let references: [HostReference] = [
            .directory(path: folder.path("backups"), purpose: "path of destination \"ok\"", location: Self.here),
            .directory(path: folder.path("missing"), purpose: "path of destination \"gone\"", location: Self.here),
            .directory(path: folder.path("file.pem"), purpose: "path of destination \"file\"", location: Self.here),
            .file(path: folder.path("file.pem"), purpose: "email.ca_file of alert route \"ok\"", location: Self.here),
            .file(path: folder.path("absent.pem"), purpose: "email.ca_file of alert route \"gone\"", location: Self.here),
            .file(path: folder.path("backups"), purpose: "email.ca_file of alert route \"folder\"", location: Self.here),
        ]
        let diagnostics = HostChecks(environment: [:], strict: strict).diagnostics(for: references)
        #expect(diagnostics.allSatisfy { $0.severity == .warning })
        #expect(
            diagnostics.map(\.message) == [
                "folder \(folder.path("missing")) does not exist here (path of destination \"gone\"); create it or mount the storage before `monitor run`",
                "\(folder.path("file.pem")) is a file, not a folder (path of destination \"file\")",
                "file \(folder.path("absent.pem")) does not exist here (email.ca_file of alert route \"gone\"); put it there before `monitor run`",
                "file \(folder.path("backups")) does not exist here (email.ca_file of alert route \"folder\"); put it there before `monitor run`",
            ])
    }

    @Test func theLoaderReportsEveryVariableTheConfigurationNames() throws {
        let folder = try TemporaryFolder("monitor-host")
        try folder.write(
            "monitor.yaml",
            """
            version: 1
            settings: {api_token_env: TOKEN}
            alert_routes:
              mail:
                email: {to: [a@example.com], from: b@example.com, smtp_url: "smtp://m", username: u, password_env: PASSWORD}
              hook:
                webhook: {url_env: HOOK_URL}

            """)
        let result = ConfigLoader(workingDirectory: folder.path).load(path: "monitor.yaml")
        let names = result.hostReferences.compactMap { reference -> String? in
            if case .environmentVariable(let name, _, _) = reference { return name }
            return nil
        }
        #expect(names.sorted() == ["HOOK_URL", "PASSWORD", "TOKEN"])
        let strict = HostChecks(environment: ["TOKEN": "t"], strict: true).diagnostics(for: result.hostReferences)
        #expect(strict.map(\.severity) == [.error, .error])
    }
}
