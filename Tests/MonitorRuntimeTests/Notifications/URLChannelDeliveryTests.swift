import Foundation
import MonitorCore
import MonitorTestSupport
import Testing

@testable import MonitorRuntime

/// One request as `Tests/Servers/service_receiver.py` received it, with what it found wrong
/// against the service's documented API.
struct ServiceRecord: Decodable {
    var method: String
    var path: String
    var query: [String: [String]]
    var headers: [String: String]
    var body: String
    var service: String?
    var status: Int
    var problems: [String]

    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    /// The form-encoded body's fields.
    var form: [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }
}

/// Each service of the URL channel through a local receiver that checks its documented request
/// and answers like it: success, refused credentials (given up at once, said clearly), and a
/// 429 whose wait is honoured.
@Suite(.timeLimit(.minutes(1))) struct URLChannelDeliveryTests {
    let receiver: TestServer
    var origin: String { "http://127.0.0.1:\(receiver.port)" }

    init() throws {
        receiver = try TestServer(script: "service_receiver.py")
    }

    func route(_ url: String, apiURL: Bool = true) throws -> AlertRoute {
        AlertRoute(name: "phone", channel: .url(URLChannel(target: .url(try NotificationURL(parsing: url)), apiURL: apiURL ? origin : nil)))
    }

    func deliver(_ url: String, _ alert: Alert = Samples.alert(), apiURL: Bool = true) throws {
        try Samples.transport().deliver(alert, route: route(url, apiURL: apiURL), settings: Samples.settings)
    }

    func failure(_ url: String, apiURL: Bool = true, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> DeliveryError {
        let route = try route(url, apiURL: apiURL)
        do throws(DeliveryError) {
            try Samples.transport().deliver(Samples.alert(), route: route, settings: Samples.settings)
        } catch {
            return error
        }
        Issue.record("delivered, but a failure was expected", sourceLocation: sourceLocation)
        return DeliveryError("", retryable: false)
    }

    func records() throws -> [ServiceRecord] {
        let records = try receiver.received(ServiceRecord.self)
        for record in records { #expect(record.problems.isEmpty, "\(record.path): \(record.problems)") }
        return records
    }

    // MARK: - ntfy

    @Test func ntfyPublishesJSONWithItsCredentials() throws {
        try deliver("ntfy://tk_goodtoken@127.0.0.1:\(receiver.port)/backups", apiURL: false)
        try deliver("ntfy://monitor:s3cret@127.0.0.1:\(receiver.port)/private", Samples.alert(.resolved, state: "SUCCESS"), apiURL: false)
        let records = try records()
        try #require(records.count == 2)
        #expect(records[0].method == "POST" && records[0].path == "/" && records[0].status == 200)
        #expect(records[0].headers["authorization"] == "Bearer tk_goodtoken")
        let body = try records[0].json()
        #expect(body["topic"] as? String == "backups")
        #expect(body["title"] as? String == "[monitor] FAILED postgres-prod — 2026-11-24 02:00 Europe/Paris")
        #expect((body["message"] as? String)?.contains("> pg_dump: connection refused") == true)
        #expect(body["priority"] as? Int == 4)
        #expect(body["tags"] as? [String] == ["rotating_light"])
        #expect(body["click"] as? String == "https://backups.example.com/jobs/postgres-prod")
        #expect(records[1].headers["authorization"] == "Basic " + Data("monitor:s3cret".utf8).base64EncodedString())
        #expect(try records[1].json()["tags"] as? [String] == ["white_check_mark"])
    }

    @Test func ntfyRefusedAndRateLimited() throws {
        let refused = try failure("ntfy://tk_wrongtoken@127.0.0.1:\(receiver.port)/backups", apiURL: false)
        #expect(!refused.retryable)
        #expect(refused.message.hasPrefix("ntfy answered HTTP 401: unauthorized — the credentials were refused; check its access token"))
        #expect(!refused.message.contains("tk_wrongtoken"))
        let limited = try failure("ntfys://ntfy.example.com/ratelimited")
        #expect(limited.retryable && limited.retryAfter == 7)
        #expect(
            limited.message
                == "ntfy answered HTTP 429: limit reached: too many requests, please be nice — rate limited; retrying after 7 s as it asked")
    }

    // MARK: - Gotify

    @Test func gotifyPostsTheMessageWithItsKey() throws {
        try deliver("gotify://127.0.0.1:\(receiver.port)/gotify/AgoodToken", apiURL: false)
        let records = try records()
        try #require(records.count == 1)
        #expect(records[0].path == "/gotify/message" && records[0].status == 200)
        #expect(records[0].headers["x-gotify-key"] == "AgoodToken")
        let body = try records[0].json()
        #expect(body["title"] as? String == "[monitor] FAILED postgres-prod — 2026-11-24 02:00 Europe/Paris")
        #expect(body["priority"] as? Int == 8)
        #expect(
            ((body["extras"] as? [String: Any])?["client::notification"] as? [String: [String: String]])?["click"]?["url"]
                == "https://backups.example.com/jobs/postgres-prod")
        let refused = try failure("gotify://127.0.0.1:\(receiver.port)/gotify/AbadToken", apiURL: false)
        #expect(!refused.retryable)
        #expect(
            refused.message
                == "Gotify answered HTTP 401: you need to provide a valid access token or user credentials to access this api — the credentials were refused; check its application token in the URL (not retried, the same request would be refused again)"
        )
        let limited = try failure("gotify://127.0.0.1:\(receiver.port)/gotify/Aratelimited", apiURL: false)
        #expect(limited.retryable && limited.retryAfter == 7)
    }

    // MARK: - Telegram

    @Test func telegramSendsHTMLThatTheBotAPIParses() throws {
        var alert = Samples.alert()
        alert.message = "pg_dump: <error> & \"quotes\"\nsecond line"
        try deliver("tgram://123456:good-token/-1001234567890", alert)
        let records = try records()
        try #require(records.count == 1)
        #expect(records[0].path == "/bot123456:good-token/sendMessage" && records[0].status == 200)
        let body = try records[0].json()
        #expect(body["chat_id"] as? String == "-1001234567890")
        #expect(body["parse_mode"] as? String == "HTML")
        let text = try #require(body["text"] as? String)
        #expect(text.hasPrefix("<b>🔴 [monitor] FAILED postgres-prod — 2026-11-24 02:00 Europe/Paris</b>\n"))
        #expect(text.contains("<b>Job:</b> postgres-prod (Nightly pg_dump of the prod cluster)"))
        #expect(text.contains("<blockquote>pg_dump: &lt;error&gt; &amp; &quot;quotes&quot;\nsecond line</blockquote>"))
        #expect(text.hasSuffix(#"<a href="https://backups.example.com/jobs/postgres-prod">Open in monitor</a>"#))
    }

    @Test func telegramErrorsAreClearAndHideTheToken() throws {
        let refused = try failure("tgram://123456:wrong-token/-100")
        #expect(!refused.retryable)
        #expect(refused.message.hasPrefix("Telegram answered HTTP 401: Unauthorized — the credentials were refused; check its bot token"))
        #expect(!refused.message.contains("wrong-token"))
        let limited = try failure("tgram://123456:good-token/-429")
        #expect(limited.retryable && limited.retryAfter == 7, "Telegram's parameters.retry_after: \(limited)")
        let missing = try failure("tgram://123456:good-token/-404")
        #expect(!missing.retryable)
        #expect(missing.message == "Telegram answered HTTP 400: Bad Request: chat not found (not retried)")
    }

    // MARK: - Discord

    @Test func discordExecutesTheWebhookWithAnEmbed() throws {
        try deliver("discord://backup-bot@123456789/good-token")
        let records = try records()
        try #require(records.count == 1)
        #expect(records[0].path == "/api/webhooks/123456789/good-token" && records[0].query["wait"] == ["true"])
        let body = try records[0].json()
        #expect(body["username"] as? String == "backup-bot")
        #expect((body["allowed_mentions"] as? [String: [String]])?["parse"] == [])
        let embed = try #require((body["embeds"] as? [[String: Any]])?.first)
        #expect(embed["title"] as? String == "🔴 [monitor] FAILED postgres-prod — 2026-11-24 02:00 Europe/Paris")
        #expect(embed["color"] as? Int == 0xD93025)
        #expect(embed["url"] as? String == "https://backups.example.com/jobs/postgres-prod")
        let fields = try #require(embed["fields"] as? [[String: Any]])
        #expect(fields.contains { $0["name"] as? String == "Verdict" && $0["value"] as? String == "FAILED" })
        #expect((embed["description"] as? String)?.contains("> pg_dump: connection refused") == true)
    }

    @Test func discordRefusedAndRateLimited() throws {
        let refused = try failure("discord://123456789/bad-token")
        #expect(!refused.retryable && refused.message.hasPrefix("Discord answered HTTP 401: Invalid Webhook Token"))
        #expect(!refused.message.contains("bad-token"))
        let limited = try failure("discord://429/good-token")
        #expect(limited.retryable && limited.retryAfter == 7, "the Retry-After header wins over the body's 6.2")
    }

    // MARK: - Pushover

    @Test func pushoverPostsTheDocumentedForm() throws {
        try deliver("pover://uUserKey@azGoodToken/phone")
        let records = try records()
        try #require(records.count == 1)
        #expect(records[0].path == "/1/messages.json" && records[0].status == 200)
        let form = records[0].form
        #expect(form["token"] == "azGoodToken" && form["user"] == "uUserKey" && form["device"] == "phone")
        #expect(form["title"] == "[monitor] FAILED postgres-prod — 2026-11-24 02:00 Europe/Paris")
        #expect(form["html"] == "1" && form["priority"] == "1")
        #expect(form["url"] == "https://backups.example.com/jobs/postgres-prod" && form["url_title"] == "Open in monitor")
        #expect(form["message"]?.contains("<b>Verdict:</b> FAILED") == true)
        let refused = try failure("pover://uUserKey@azBadToken")
        #expect(!refused.retryable)
        #expect(refused.message == "Pushover answered HTTP 400: application token is invalid, see https://pushover.net/api (not retried)")
        let limited = try failure("pover://ratelimited@azGoodToken")
        #expect(limited.retryable && limited.retryAfter == 7)
    }

    // MARK: - Matrix

    @Test func matrixResolvesTheAliasAndSendsOnceUnderOneTransaction() throws {
        let url = "matrix://syt_good@127.0.0.1:\(receiver.port)/%23backups:example.org"
        try deliver(url, apiURL: false)
        try deliver(url, apiURL: false)  // a retry of the same notification
        let records = try records()
        try #require(records.count == 4)
        #expect(records[0].method == "GET" && records[0].path == "/_matrix/client/v3/directory/room/%23backups%3Aexample.org")
        #expect(
            records[1].method == "PUT" && records[1].path.hasPrefix("/_matrix/client/v3/rooms/%21room%3Aexample.org/send/m.room.message/monitor-"))
        #expect(records[1].headers["authorization"] == "Bearer syt_good")
        #expect(records[3].path == records[1].path, "the same notification keeps its transaction id, so the homeserver posts it once")
        let body = try records[1].json()
        #expect(body["msgtype"] as? String == "m.text")
        #expect(body["format"] as? String == "org.matrix.custom.html")
        #expect((body["formatted_body"] as? String)?.hasPrefix("<b>🔴 [monitor] FAILED postgres-prod") == true)
        #expect((body["formatted_body"] as? String)?.contains("<br><b>Verdict:</b> FAILED<br>") == true)
        #expect((body["body"] as? String)?.hasPrefix("[monitor] FAILED postgres-prod") == true)
    }

    @Test func matrixRefusedAndRateLimited() throws {
        let refused = try failure("matrix://syt_bad@127.0.0.1:\(receiver.port)/!room:example.org", apiURL: false)
        #expect(!refused.retryable && refused.message.hasPrefix("Matrix answered HTTP 401: Invalid access token passed."))
        let limited = try failure("matrixs://syt_ratelimited@matrix.example.org/!room:example.org")
        #expect(limited.retryable && limited.retryAfter == 7)
        let unknown = try failure("matrixs://syt_good@matrix.example.org/%23nowhere:example.org")
        #expect(!unknown.retryable && unknown.message.hasPrefix("Matrix answered HTTP 404: Room alias #nowhere:example.org not found"))
    }

    // MARK: - PagerDuty

    static let routingKey = "R0UT1NGKEY0123456789ABCDEFGHIJKL"

    @Test func pagerDutyTriggersThenResolvesTheSameIncident() throws {
        let url = "pagerduty://\(Self.routingKey)@APIKEY/db1/postgres"
        try deliver(url)
        var resolved = Samples.alert(.resolved, state: "SUCCESS", occurrences: [Samples.occurrence(daysBefore: -1)])
        resolved.resolves = Samples.occurrence()
        try deliver(url, resolved)
        let records = try records()
        try #require(records.count == 2)
        #expect(records.allSatisfy { $0.path == "/v2/enqueue" && $0.status == 202 })
        let trigger = try records[0].json()
        let resolve = try records[1].json()
        #expect(trigger["event_action"] as? String == "trigger")
        #expect(trigger["dedup_key"] as? String == "monitor/postgres-prod/2026-11-24T01:00:00Z")
        let payload = try #require(trigger["payload"] as? [String: Any])
        #expect(payload["severity"] as? String == "error")
        #expect(payload["source"] as? String == "db1" && payload["component"] as? String == "postgres")
        #expect((payload["custom_details"] as? [String: String])?["message"] == "pg_dump: connection refused")
        #expect(records[0].headers["authorization"] == nil, "Events API v2 authenticates by routing key; the API key is never sent")
        #expect(resolve["event_action"] as? String == "resolve")
        #expect(resolve["dedup_key"] as? String == trigger["dedup_key"] as? String)
        #expect(resolve["routing_key"] as? String == Self.routingKey)
    }

    @Test func pagerDutyInvalidEventAndRateLimit() throws {
        let invalid = try failure("pagerduty://SHORTKEY@APIKEY")
        #expect(!invalid.retryable)
        #expect(invalid.message == "PagerDuty answered HTTP 400: Event object is invalid (not retried)")
        let limited = try failure("pagerduty://RATELIMITED0123456789ABCDEFGHIJK@APIKEY")
        #expect(limited.retryable && limited.retryAfter == 7)
        #expect(limited.message == "PagerDuty answered HTTP 429 — rate limited; retrying after 7 s as it asked")
    }

    // MARK: - Teams Workflows

    @Test func workflowsPostsAnAdaptiveCard() throws {
        try deliver("workflows://prod-01.westus.logic.azure.com:443/wf01/good-sig")
        try deliver("workflows://env.api.powerplatform.com/wf02/good-sig?pa=yes", Samples.alert(.resolved, state: "SUCCESS"))
        let records = try records()
        try #require(records.count == 2)
        #expect(records[0].path == "/workflows/wf01/triggers/manual/paths/invoke" && records[0].status == 202)
        #expect(records[0].query["api-version"] == ["2016-06-01"] && records[0].query["sig"] == ["good-sig"])
        #expect(records[1].path == "/powerautomate/automations/direct/workflows/wf02/triggers/manual/paths/invoke")
        #expect(records[1].query["api-version"] == ["2022-03-01-preview"])
        let card = try #require(((try records[0].json()["attachments"] as? [[String: Any]])?.first?["content"]) as? [String: Any])
        let body = try #require(card["body"] as? [[String: Any]])
        #expect(body.first?["text"] as? String == "[monitor] FAILED postgres-prod — 2026-11-24 02:00 Europe/Paris")
        #expect(body.first?["color"] as? String == "Attention")
        #expect(body.contains { $0["type"] as? String == "FactSet" })
        #expect(((card["actions"] as? [[String: String]])?.first)?["url"] == "https://backups.example.com/jobs/postgres-prod")
        let refused = try failure("workflows://h.example.com/wf01/bad-sig")
        #expect(!refused.retryable && refused.message.hasPrefix("Teams Workflows answered HTTP 401"))
        #expect(!refused.message.contains("bad-sig"))
        let limited = try failure("workflows://h.example.com/wf01/ratelimited")
        #expect(limited.retryable && limited.retryAfter == 7)
    }

    // MARK: - Every service

    @Test func aTestMessageReachesEveryServiceAndSaysItIsATest() throws {
        let urls = [
            "ntfys://ntfy.example.com/backups", "gotify://127.0.0.1:\(receiver.port)/gotify/AgoodToken", "tgram://123456:good-token/-100",
            "discord://1/good-token", "pover://uUser@azGoodToken", "matrixs://syt_good@m.example.org/!room:example.org",
            "pagerduty://\(Self.routingKey)@APIKEY", "workflows://h.example.com/wf/good-sig",
        ]
        for url in urls {
            try deliver(url, Alert.test(settings: Samples.settings, now: Samples.detected), apiURL: !url.hasPrefix("gotify"))
        }
        let records = try records()
        #expect(Set(records.compactMap(\.service)) == ["ntfy", "gotify", "telegram", "discord", "pushover", "matrix", "pagerduty", "workflows"])
        #expect(records.allSatisfy { (200...299).contains($0.status) })
        #expect(
            records.filter { ($0.body.removingPercentEncoding ?? "").contains("TEST message through route phone") }.count == 8,
            "every service but PagerDuty's resolve says TEST")
        let pager = records.filter { $0.service == "pagerduty" }.map { try? $0.json() }
        #expect(pager.map { $0?["event_action"] as? String } == ["trigger", "resolve"], "a test incident is closed at once")
    }

    @Test func aDeadServiceIsRetriedAndAMissingVariableWaits() throws {
        let port = try closedPort()
        let dead = AlertRoute(
            name: "phone", channel: .url(URLChannel(target: .url(try NotificationURL(parsing: "tgram://1:a/-1")), apiURL: "http://127.0.0.1:\(port)"))
        )
        do throws(DeliveryError) {
            try Samples.transport().deliver(Samples.alert(), route: dead, settings: Samples.settings)
            Issue.record("delivered")
        } catch {
            #expect(error.retryable && error.message == "connection refused by 127.0.0.1:\(port)")
        }
        let env = AlertRoute(name: "phone", channel: .url(URLChannel(target: .env("PHONE_URL"))))
        do throws(DeliveryError) {
            try Samples.transport().deliver(Samples.alert(), route: env, settings: Samples.settings)
            Issue.record("delivered")
        } catch {
            #expect(
                error.retryable && error.message == "environment variable PHONE_URL is not set (it should hold the notification URL of route phone)")
        }
        do throws(DeliveryError) {
            try Samples.transport(["PHONE_URL": "tgram://123:AA$secret/-1"]).deliver(Samples.alert(), route: env, settings: Samples.settings)
            Issue.record("delivered")
        } catch {
            #expect(!error.retryable)
            #expect(!error.message.contains("secret"), "\(error.message)")
            #expect(error.message.hasPrefix("the notification URL in environment variable PHONE_URL has \"$\" in the bot token"))
        }
        #expect(
            LiveTransport.describe(env, environment: { _ in "tgram://123456789:AAbbCCdd/-100" }) == "Telegram through tgram://***/-100")
    }
}
