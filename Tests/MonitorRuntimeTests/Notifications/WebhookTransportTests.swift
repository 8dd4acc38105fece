import Foundation
import MonitorCore
import MonitorRuntime
import MonitorTestSupport
import Testing

/// Webhooks through a real HTTP receiver on loopback.
@Suite(.timeLimit(.minutes(1))) struct WebhookTransportTests {
    func failure(
        _ route: AlertRoute, transport: LiveTransport = Samples.transport(),
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> DeliveryError? {
        do throws(DeliveryError) {
            try transport.deliver(Samples.alert(), route: route, settings: Samples.settings)
            Issue.record("delivered, but a failure was expected", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test func genericPostsTheSpecifiedJSON() throws {
        let receiver = try TestServer.webhookReceiver()
        let transport = Samples.transport()
        try transport.deliver(Samples.alert(), route: Samples.webhookRoute(.url(receiver.httpURL("/hook"))), settings: Samples.settings)
        try transport.deliver(
            Alert.test(settings: Samples.settings, now: Samples.detected),
            route: Samples.webhookRoute(.url(receiver.httpURL("/hook"))), settings: Samples.settings)

        let requests = try receiver.received(ReceivedRequest.self)
        try #require(requests.count == 2)
        #expect(requests[0].method == "POST")
        #expect(requests[0].headers["content-type"] == "application/json")
        let body = try requests[0].json()
        #expect(body["event"] as? String == "FAILED")
        #expect(body["job"] as? String == "postgres-prod")
        #expect(body["state"] as? String == "FAILED")
        #expect(body["scheduled_at"] as? String == "2026-11-24T01:00:00Z")
        #expect(body["window_end"] as? String == "2026-11-24T04:00:00Z")
        #expect(body["message"] as? String == "pg_dump: connection refused")
        #expect(body["labels"] as? [String: String] == ["team": "data", "env": "prod"])
        #expect(body["url"] as? String == "https://backups.example.com/jobs/postgres-prod")
        #expect((body["occurrences"] as? [[String: String]])?.first?["scheduled_at"] == "2026-11-24T01:00:00Z")

        // Every specified key is present even when it has no value.
        let test = try requests[1].json()
        #expect(test["event"] as? String == "TEST")
        for key in ["scheduled_at", "window_end"] { #expect(test[key] is NSNull, "\(key)") }
        #expect(Set(test.keys).isSuperset(of: ["event", "job", "state", "scheduled_at", "window_end", "message", "labels", "url"]))
    }

    @Test func slackGetsAReadableTextWithUserTextEscaped() throws {
        let receiver = try TestServer.webhookReceiver()
        let route = Samples.webhookRoute(.url(receiver.httpURL("/slack")), format: .slack)
        var alert = Samples.alert()
        alert.message = "pg_dump: <!channel> & co"
        try Samples.transport().deliver(alert, route: route, settings: Samples.settings)

        let body = try #require(try receiver.received(ReceivedRequest.self).first).json()
        #expect(body.keys.sorted() == ["text"])
        let text = try #require(body["text"] as? String)
        #expect(text.hasPrefix("*[monitor] FAILED postgres-prod — 2026-11-24 02:00 Europe/Paris*\n"))
        #expect(text.contains("Scheduled: 2026-11-24 02:00 Europe/Paris (2026-11-24 01:00 UTC)"))
        #expect(text.contains("> pg_dump: &lt;!channel&gt; &amp; co"))
        #expect(text.hasSuffix("<https://backups.example.com/jobs/postgres-prod|Open in monitor>"))
    }

    @Test func theURLIsReadFromItsVariableAtSendTime() throws {
        let receiver = try TestServer.webhookReceiver()
        let route = Samples.webhookRoute(.env("CHAT_WEBHOOK_URL"))
        let missing = try #require(failure(route))
        #expect(missing.message == "environment variable CHAT_WEBHOOK_URL is not set (it should hold the webhook URL of route chat)")
        #expect(missing.retryable)
        try Samples.transport(["CHAT_WEBHOOK_URL": receiver.httpURL("/secret-token")]).deliver(
            Samples.alert(), route: route, settings: Samples.settings)
        #expect(try receiver.received(ReceivedRequest.self).map(\.path) == ["/secret-token"])
    }

    @Test(arguments: [(500, true), (503, true), (429, true), (408, true), (404, false), (400, false), (301, false)])
    func nonSuccessAnswersFailAndOnlySomeAreRetried(status: Int, retryable: Bool) throws {
        let receiver = try TestServer.webhookReceiver()
        let error = try #require(failure(Samples.webhookRoute(.url(receiver.httpURL("/status/\(status)")))))
        #expect(error.message == "webhook at 127.0.0.1 answered HTTP \(status): answer \(status) from the test receiver")
        #expect(error.retryable == retryable)
    }

    @Test func aReceiverThatHangsTimesOut() throws {
        let receiver = try TestServer.webhookReceiver()
        let started = Date()
        let error = try #require(failure(Samples.webhookRoute(.url(receiver.httpURL("/hang"))), transport: Samples.transport(total: 1)))
        #expect(error.message == "timed out after 1 s talking to 127.0.0.1:\(receiver.port)")
        #expect(error.retryable)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func aReceiverThatIsDownIsRetried() throws {
        let port = try closedPort()
        let error = try #require(failure(Samples.webhookRoute(.url("http://127.0.0.1:\(port)/hook"))))
        #expect(error.message == "connection refused by 127.0.0.1:\(port)")
        #expect(error.retryable)
    }

    @Test func aURLThatIsNotHTTPIsRefusedWithoutSendingAnything() throws {
        let error = try #require(
            failure(
                Samples.webhookRoute(.env("CHAT_WEBHOOK_URL")),
                transport: Samples.transport(["CHAT_WEBHOOK_URL": "file:///etc/passwd"])))
        #expect(error.message == "the webhook URL in CHAT_WEBHOOK_URL is not an http:// or https:// URL with a host")
        #expect(!error.retryable)
    }

    @Test func cancellingTheTaskAbortsATransferOnItsOwnThread() async throws {
        let receiver = try TestServer.webhookReceiver()
        let route = Samples.webhookRoute(.url(receiver.httpURL("/hang")))
        let delivery = Task { () -> DeliveryError? in
            do throws(DeliveryError) {
                try await Samples.transport(total: 30).deliverOnOwnThread(Samples.alert(), route: route, settings: Samples.settings)
                return nil
            } catch {
                return error
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        delivery.cancel()
        let error = try #require(await delivery.value)
        #expect(error.message == "delivery to 127.0.0.1:\(receiver.port) was cancelled (monitor is stopping)")
        // The message tells a cancelled transfer from the 30 s timeout, so no clock is read:
        // a wall-clock bound was flaky on a loaded two-core machine.
        #expect(error.retryable)
    }
}
