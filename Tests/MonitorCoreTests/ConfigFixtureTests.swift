import Foundation
import MonitorCore
import Testing

/// Walks every fixture under `Fixtures/` and checks that loading it reports exactly the
/// diagnostics its comments declare: same file, line, column, severity and message, nothing
/// missing and nothing extra.
@Suite struct ConfigFixtureTests {
    /// The host of the fixtures: variables set, except those the valid fixtures expect a warning for.
    static let environment: [String: String] = [
        "MONITOR_API_TOKEN": "token", "SMTP_PASSWORD": "secret", "CHAT_WEBHOOK_URL": "https://chat.example.com/hook",
        "DATA_CHAT_WEBHOOK_URL": "https://chat.example.com/data", "EMPTY_VARIABLE": "",
        "TELEGRAM_URL": "tgram://123456789:AAbbCCdd/-1001234567890", "DISCORD_URL": "discord://123456789012345678/AbCdEf",
        "PUSHOVER_URL": "pover://uQiRzpo4DXghDmr9QzzfQu27cmVRsG@azGDORePK8gMaC0QOYAMyEEuzJnyUi",
        "MATRIX_URL": "matrixs://syt_abc@matrix.example.org/#backups:example.org",
        "PAGERDUTY_URL": "pagerduty://R0UT1NGKEY0123456789ABCDEFGHIJKL@APIKEY0123", "BROKEN_TEAMS_URL": "workflows://h.example.com/wf",
    ]

    @Test(arguments: ConfigFixture.all)
    func fixtureReportsExactlyItsAnnotatedDiagnostics(_ fixture: ConfigFixture) throws {
        let expected = try fixture.expectedDiagnostics()
        let result = ConfigLoader(workingDirectory: ConfigFixture.root.path).load(path: fixture.path)
        var actual = result.diagnostics
        if fixture.kind == .valid {
            actual += HostChecks(environment: Self.environment, strict: false).diagnostics(for: result.hostReferences)
        }
        let reported = actual.map(ExpectedDiagnostic.init)

        let missing = difference(expected, reported)
        let extra = difference(reported, expected)
        #expect(missing.isEmpty, "expected but not reported:\n\(missing.map(\.description).joined(separator: "\n"))")
        #expect(extra.isEmpty, "reported but not expected:\n\(extra.map(\.description).joined(separator: "\n"))")

        switch fixture.kind {
        case .valid:
            #expect(!expected.contains { $0.severity == .error }, "a valid fixture cannot expect errors")
            #expect(result.configuration != nil)
        case .invalid:
            #expect(expected.contains { $0.severity == .error }, "an invalid fixture must declare at least one error")
            #expect(result.configuration == nil)
        }
    }

    @Test func thereAreEnoughFixtures() {
        #expect(ConfigFixture.fixtures(.invalid).count >= 45)
        #expect(ConfigFixture.fixtures(.valid).count >= 4)
    }

    /// `lhs` minus `rhs`, counting repeats (a diagnostic reported twice is one too many).
    private func difference(_ lhs: [ExpectedDiagnostic], _ rhs: [ExpectedDiagnostic]) -> [ExpectedDiagnostic] {
        var remaining = rhs
        return lhs.sorted().filter { item in
            guard let index = remaining.firstIndex(of: item) else { return true }
            remaining.remove(at: index)
            return false
        }
    }
}
