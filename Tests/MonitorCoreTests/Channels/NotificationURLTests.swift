import Foundation
import MonitorTestSupport
import Testing

@testable import MonitorCore

/// Notification URLs in Apprise's grammar: every form monitor accepts is read by Apprise itself
/// (the PyPI package, installed by scripts/setup-test-deps) with the same host, target and
/// secrets; refused forms point at the character to fix; secrets never show.
@Suite struct NotificationURLTests {
    /// Every form monitor accepts, for each service.
    static let accepted = [
        "ntfy://backups",
        "ntfys://ntfy.example.com/backups",
        "ntfy://ntfy.example.com:8080/backups",
        "ntfys://monitor:s3cret@ntfy.example.com/backups",
        "ntfys://monitor:p%40ss%3Aword@ntfy.example.com:8443/night_ly-1",
        "ntfy://tk_AbCdEf012345@10.0.0.5/backups",
        "ntfy://[::1]:8080/backups",
        "gotify://gotify.example.com/AbCdEf012345",
        "gotifys://gotify.example.com:8443/AbCdEf012345",
        "gotifys://example.com/gotify/sub/Ab.Cd-Ef_0",
        "tgram://123456789:AAbbCCdd-EE_ff/-1001234567890",
        "tgram://bot123456789:AAbbCCdd/987654",
        "tgram://123456789:AAbbCCdd/@backups_channel",
        "discord://123456789012345678/AbCdEf-GhIj_kl",
        "discord://monitor@123456789012345678/AbCdEf-GhIj_kl",
        "pover://uQiRzpo4DXghDmr9QzzfQu27cmVRsG@azGDORePK8gMaC0QOYAMyEEuzJnyUi",
        "pover://uQiRzpo4DXghDmr9QzzfQu27cmVRsG@azGDORePK8gMaC0QOYAMyEEuzJnyUi/phone",
        "matrixs://syt_abc123@matrix.example.org/!roomid:example.org",
        "matrix://syt_abc123@matrix.example.org:8008/%23backups:example.org",
        "matrixs://syt_abc123@matrix.example.org/#backups:example.org",
        "pagerduty://R0UT1NGKEY0123456789ABCDEFGHIJKL@APIKEY0123",
        "pagerduty://R0UT1NGKEY0123456789ABCDEFGHIJKL@APIKEY0123/backup-host",
        "pagerduty://R0UT1NGKEY0123456789ABCDEFGHIJKL@APIKEY0123/backup-host/postgres?region=eu",
        "workflows://prod-01.westus.logic.azure.com:443/a1b2c3d4e5/SiGnAtUrE_0123",
        "workflow://default0123.ab.environment.api.powerplatform.com/a1b2c3/SiG-1?pa=yes",
        "workflows://prod-01.westus.logic.azure.com/a1b2c3/SiG?ver=2016-06-01",
    ]

    struct AppriseReading: Decodable {
        var url: String
        var fields: [String: String]?
        var error: String?
    }

    /// Runs `Fixtures/apprise/apprise_fields.py` on `urls` and returns what Apprise read.
    static func apprise(_ urls: [String]) throws -> [AppriseReading] {
        let script = ConfigFixture.root.appendingPathComponent("apprise/apprise_fields.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(try JSONEncoder().encode(urls))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "apprise_fields.py failed (run scripts/setup-test-deps for apprise): \(stderr)")
        return try JSONDecoder().decode([AppriseReading].self, from: data)
    }

    @Test func appriseReadsEveryAcceptedURLAsMonitorDoes() throws {
        let readings = try Self.apprise(Self.accepted)
        try #require(readings.count == Self.accepted.count)
        for (text, reading) in zip(Self.accepted, readings) {
            let url = try NotificationURL(parsing: text)
            let apprise = try #require(reading.fields, "Apprise refuses \(text), which monitor accepts: \(reading.error ?? "")")
            #expect(url.oracleFields == apprise, "\(text): monitor and Apprise disagree")
        }
    }

    @Test func everyServiceIsCoveredByTheOracle() throws {
        let services = Set(try Self.accepted.map { try NotificationURL(parsing: $0).serviceName })
        #expect(services == Set(NotificationServices.all.map { $0.name }))
        for kind in NotificationServices.all {
            #expect(throws: Never.self, "\(kind.name)'s example") { try NotificationURL(parsing: kind.example) }
        }
    }

    /// A URL monitor refuses, the character it points at (1-based, as `check` shows it) and the message.
    @Test(arguments: [
        ("gotfy://gotify.example.com/AbC", 1, #"has the scheme "gotfy://", which monitor does not know; did you mean "gotify://"?"#),
        ("https://ntfy.sh/backups", 1, #"is an https:// URL, not a notification URL; an endpoint that takes monitor's JSON is a webhook"#),
        ("mailto://ops@example.com", 1, #"has the scheme "mailto://", which monitor does not know; known: ntfy://, ntfys://"#),
        ("ntfy.sh/backups", 1, "is not a notification URL: it must start with a scheme such as ntfys:// or tgram://"),
        ("ntfys://ntfy.example.com/back ups", 30, "has a space or a control character"),
        ("ntfys://ntfy.example.com:80a/backups", 26, #"has the port "80a"; a port is a number from 1 to 65535"#),
        ("ntfys://ntfy.example.com", 25, "has no topic; write e.g. ntfys://ntfy.example.com/backups"),
        ("ntfys://ntfy.example.com/a/b", 28, "has more than one topic; one topic per URL; declare another route for another topic"),
        ("ntfys://ntfy.example.com/back.ups", 30, #"has "." in the topic, which holds only letters, digits and "_" "-""#),
        ("ntfys://bob@ntfy.example.com/backups", 9, "has a user name without a password"),
        ("ntfys://bob:pa%zz@ntfy.example.com/backups", 15, #"has "%" without two hexadecimal digits after it"#),
        ("gotifys://gotify.example.com", 29, "has no application token"),
        ("tgram://123456789/-100123", 9, "has no bot token: a token looks like 123456789:AA..."),
        ("tgram://12a456789:AAbb/-100123", 11, #"has "a" in the bot id, which holds only digits"#),
        ("tgram://123456789:AAbb", 23, "has no chat id; write e.g. tgram://123456789:AAbbCCdd/-1001234567890"),
        ("tgram://123456789:AAbb/-100x23", 28, #"has "x" in the chat id, which holds only digits"#),
        ("tgram://123456789:AAbb/1/2", 26, "has more than one chat id; one chat per URL; declare another route for another chat"),
        ("discord://12345x/token", 16, #"has "x" in the webhook id, which holds only digits"#),
        ("discord://12345", 16, "has no webhook token"),
        ("pover://azGDORePK8gMaC0QOYAMyEEuzJnyUi", 9, "has no user key; write pover://USER_KEY@APP_TOKEN"),
        ("matrixs://matrix.example.org/!room:example.org", 11, "has no access token"),
        ("matrixs://bob:pw@matrix.example.org/!room:example.org", 14, "has user:password; monitor signs in with an access token only"),
        (
            "matrixs://syt_x@matrix.example.org/backups", 36,
            #"has the room "backups"; write its id (!abc:example.org) or its alias (#backups:example.org)"#
        ),
        ("matrixs://syt_x@matrix.example.org/!room", 36, #"has the room "!room" without its server"#),
        ("pagerduty://APIKEY0123", 13, "has no integration key"),
        ("pagerduty://KEY@API?region=ap", 28, "has region=ap; PagerDuty's regions are us and eu"),
        (
            "ntfys://ntfy.example.com/backups?priority=high", 34,
            #"has the option "priority", which monitor does not support; monitor reads no options in ntfy URLs"#
        ),
        ("workflows://h.example.com/wf", 29, "has no signature after the workflow id"),
        ("workflows://h.example.com/wf/sig?pa=maybe", 37, "has pa=maybe; write pa=yes or pa=no"),
    ])
    func aRefusedURLPointsAtItsFault(url: String, column: Int, message: String) {
        do {
            _ = try NotificationURL(parsing: url)
            Issue.record("\(url) was accepted")
        } catch {
            #expect(error.message.hasPrefix(message), "\(url): \(error.message)")
            #expect(error.offset + 1 == column, "\(url): \(error.message)")
        }
    }

    @Test func secretsAreNamedAndHiddenNeverShown() throws {
        let telegram = try NotificationURL(parsing: "tgram://123456789:AAbbCCdd-EE/-1001234567890")
        #expect(telegram.secrets == ["123456789:AAbbCCdd-EE"])
        #expect(telegram.redacted == "tgram://***/-1001234567890")
        #expect(telegram.description == telegram.redacted)
        let ntfy = try NotificationURL(parsing: "ntfys://monitor:p%40ss@ntfy.example.com/backups")
        #expect(ntfy.secrets == ["p@ss"])
        #expect(ntfy.redacted == "ntfys://monitor:***@ntfy.example.com/backups", "the percent-encoded form is hidden too")
        let pushover = try NotificationURL(parsing: "pover://uQiRzpo4DXghDmr9QzzfQu27cmVRsG@azGDORePK8gMaC0QOYAMyEEuzJnyUi/phone")
        #expect(pushover.redacted == "pover://***@***/phone")
        #expect(try !NotificationURL(parsing: "ntfys://ntfy.example.com/backups").holdsSecret)
        #expect(try NotificationURL(parsing: "workflows://h.example.com/wf/SiGnAtUrE").redacted == "workflows://h.example.com/wf/***")
        // A refused URL's message never quotes the secret-bearing part.
        do {
            _ = try NotificationURL(parsing: "tgram://123456789:AAbb!secret/-100")
            Issue.record("accepted")
        } catch {
            #expect(!error.message.contains("secret"), "\(error.message)")
        }
    }

    @Test func theStoredFormIsTheURLAsWritten() throws {
        let channel = URLChannel(target: .url(try NotificationURL(parsing: "tgram://123:AAbb/-100")), apiURL: "http://127.0.0.1:9000")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(AlertRoute.Channel.url(channel)), as: UTF8.self)
        #expect(json == #"{"url":{"api_url":"http://127.0.0.1:9000","url":"tgram://123:AAbb/-100"}}"#)
        #expect(try JSONDecoder().decode(AlertRoute.Channel.self, from: Data(json.utf8)) == .url(channel))
        let env = #"{"url":{"url_env":"PAGER_URL"}}"#
        #expect(try JSONDecoder().decode(AlertRoute.Channel.self, from: Data(env.utf8)) == .url(URLChannel(target: .env("PAGER_URL"))))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(AlertRoute.Channel.self, from: Data(#"{"url":{"url":"tgram://x"}}"#.utf8)) }
    }

    // MARK: - check

    func check(_ routes: String, environment: [String: String] = [:], strict: Bool = false) throws -> [String] {
        let folder = try TemporaryFolder()
        let file = try folder.write("monitor.yaml", "version: 1\nalert_routes:\n" + routes)
        let result = ConfigLoader(workingDirectory: folder.path).load(path: file)
        let diagnostics = result.diagnostics + HostChecks(environment: environment, strict: strict).diagnostics(for: result.hostReferences)
        return diagnostics.sorted().map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "-") \($0.severity.rawValue): \($0.message)" }
    }

    @Test func aLiteralURLWithASecretIsAWarningAndAnErrorWithStrict() throws {
        let yaml = """
              pager:
                url: pagerduty://R0UT1NGKEY0123456789ABCDEFGHIJKL@APIKEY0123
              phone:
                url: ntfys://ntfy.example.com/backups

            """
        let message =
            #"url of alert route "pager" holds a secret of PagerDuty (its integration key) in the configuration; put the URL in an environment variable and write url_env: VARIABLE instead"#
        #expect(try check(yaml) == ["4:10 warning: \(message)"])
        #expect(try check(yaml, strict: true) == ["4:10 error: \(message)"])
        #expect(try !check(yaml).joined().contains("R0UT1NGKEY"))
    }

    @Test func aURLInTheEnvironmentIsReadByCheckWithoutShowingIt() throws {
        let yaml = """
              chat:
                url_env: CHAT_URL
                api_url: http://127.0.0.1:8081/

            """
        #expect(try check(yaml, environment: ["CHAT_URL": "tgram://123456789:AAbbCCdd/-100123"]) == [])
        let broken = try check(yaml, environment: ["CHAT_URL": "tgram://123456789:AAbb$ecret/-100123"])
        #expect(
            broken == [
                #"4:14 warning: the URL in environment variable CHAT_URL (the notification URL of alert route "chat") has "$" in the bot token, which holds only letters, digits and "_" "-" (character 23 of the URL)"#
            ])
        #expect(
            try check(yaml) == [
                #"4:14 warning: environment variable CHAT_URL is not set here; it holds the notification URL of alert route "chat", so set it in the environment of `monitor run`"#
            ])
    }
}
