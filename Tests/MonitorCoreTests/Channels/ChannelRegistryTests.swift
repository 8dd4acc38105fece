import Foundation
import MonitorTestSupport
import Testing

@testable import MonitorCore

/// Every kind in `ChannelRegistry` is read from YAML, stored and read back; nothing else is.
@Suite struct ChannelRegistryTests {
    /// A configuration whose only route declares `kind` with the kind's own example.
    static func configuration(declaring kind: any ChannelConfiguration.Type) throws -> (Configuration, [Diagnostic]) {
        let folder = try TemporaryFolder()
        let body = kind.example.split(separator: "\n", omittingEmptySubsequences: false).map { "      \($0)" }.joined(separator: "\n")
        let file = try folder.write(
            "monitor.yaml",
            """
            version: 1
            alert_routes:
              probe:
                \(kind.kind):
            \(body)
            """)
        let result = ConfigLoader(workingDirectory: folder.path).load(path: file)
        return try (#require(result.configuration, "\(result.diagnostics)"), result.diagnostics)
    }

    @Test func kindsAreListedOnceInTheRegistry() {
        #expect(AlertRoute.Channel.kinds == ["email", "webhook", "url"], "messages and the state list them in this order")
        #expect(Set(AlertRoute.Channel.kinds).count == AlertRoute.Channel.kinds.count)
    }

    @Test(arguments: AlertRoute.Channel.kinds)
    func everyKindIsReadFromItsMinimalYAML(kind name: String) throws {
        let kind = try #require(ChannelRegistry.kind(named: name))
        let (configuration, diagnostics) = try Self.configuration(declaring: kind)
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        let route = try #require(configuration.route(named: "probe"))
        #expect(route.channel.kind == name)
        #expect(type(of: route.channel.configuration) == kind)
    }

    @Test(arguments: AlertRoute.Channel.kinds)
    func everyKindRoundTripsThroughItsStoredForm(kind name: String) throws {
        let kind = try #require(ChannelRegistry.kind(named: name))
        let route = try #require(try Self.configuration(declaring: kind).0.route(named: "probe"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let channel = try encoder.encode(route.channel)
        let object = try #require(try JSONSerialization.jsonObject(with: channel) as? [String: Any])
        #expect(Array(object.keys) == [name], "a channel is stored under its kind, as written in YAML")
        #expect(try JSONDecoder().decode(AlertRoute.Channel.self, from: channel) == route.channel)
        #expect(try JSONDecoder().decode(AlertRoute.self, from: encoder.encode(route)) == route)
    }

    /// The forms states written before hold, read as before.
    @Test func storedFormsOfEarlierReleasesStillDecode() throws {
        let email = #"{"email":{"from":"monitor@example.com","smtp_url":"smtp://mail.example.com:587","tls":"required","to":["ops@example.com"]}}"#
        #expect(
            try JSONDecoder().decode(AlertRoute.Channel.self, from: Data(email.utf8))
                == .email(
                    EmailChannel(
                        to: [EmailAddress(parsing: "ops@example.com")], from: EmailAddress(parsing: "monitor@example.com"),
                        smtpURL: "smtp://mail.example.com:587")))
        let webhook = #"{"webhook":{"format":"slack","url_env":"CHAT_URL"}}"#
        #expect(
            try JSONDecoder().decode(AlertRoute.Channel.self, from: Data(webhook.utf8))
                == .webhook(WebhookChannel(target: .env("CHAT_URL"), format: .slack)))
    }

    /// Once, anything that was not e-mail was read as a webhook; now it is an error that names it.
    @Test(arguments: [
        #"{"ntfy":{"topic":"backups"}}"#,
        #"{}"#,
        #"{"email":{"from":"a@example.com","smtp_url":"smtp://m.example.com","tls":"required","to":["b@example.com"]},"webhook":{"format":"generic","url":"https://x.example.com"}}"#,
        #"{"webhook":{"format":"generic","url":"https://x.example.com"},"ntfy":{}}"#,
    ])
    func anUnknownOrSecondChannelKeyIsADecodingError(json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(AlertRoute.Channel.self, from: Data(json.utf8)) }
    }

    @Test func theErrorNamesTheKnownKindsAndTheKeyFound() {
        do {
            _ = try JSONDecoder().decode(AlertRoute.Channel.self, from: Data(#"{"ntfy":{"topic":"backups"}}"#.utf8))
            Issue.record("decoded an unknown channel")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription == #"a channel has exactly one key of "email", "webhook", "url"; found "ntfy""#)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
