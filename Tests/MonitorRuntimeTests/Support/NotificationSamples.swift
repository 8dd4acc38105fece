import Foundation
import MonitorCore
import MonitorRuntime

/// Alerts, routes and servers that the notification tests share.
enum Samples {
    static let scheduled = Date(timeIntervalSince1970: 1_795_482_000)  // 2026-11-24T01:00:00Z, 02:00 in Paris
    static let detected = scheduled.addingTimeInterval(3 * 3_600 + 60)

    static func occurrence(daysBefore days: Int = 0) -> Occurrence {
        let at = scheduled.addingTimeInterval(TimeInterval(-days * 86_400))
        return Occurrence(scheduledAt: at, windowEnd: at.addingTimeInterval(3 * 3_600))
    }

    static func alert(
        _ event: NotificationEvent = .failed, state: String = "FAILED", job: String = "postgres-prod",
        occurrences: [Occurrence] = [occurrence()], message: String? = "pg_dump: connection refused"
    ) -> Alert {
        Alert(
            event: event, job: job, state: state, occurrences: occurrences, message: message,
            labels: ["team": "data", "env": "prod"], destination: "nas", timezone: "Europe/Paris",
            jobDescription: "Nightly pg_dump of the prod cluster", url: "https://backups.example.com/jobs/postgres-prod",
            createdAt: detected)
    }

    static let settings = Settings(state: "/tmp/unused.sqlite", timezone: "Europe/Paris", publicURL: "https://backups.example.com")

    static func address(_ text: String) -> EmailAddress { try! EmailAddress(parsing: text) }

    static func emailRoute(
        _ url: String, tls: TLSPolicy = .required, caFile: String? = nil, username: String? = "monitor",
        passwordEnv: String? = "SMTP_PASSWORD",
        to: [String] = ["Ops Team <ops@example.com>", "dba@example.com"],
        from: String = "Backup Monitor <monitor@example.com>"
    ) -> AlertRoute {
        AlertRoute(
            name: "ops-email",
            channel: .email(
                EmailChannel(
                    to: to.map(address), from: address(from), smtpURL: url, tls: tls, caFile: caFile,
                    username: username, passwordEnv: passwordEnv)))
    }

    static func webhookRoute(_ target: WebhookChannel.Target, format: WebhookChannel.Format = .generic) -> AlertRoute {
        AlertRoute(name: "chat", channel: .webhook(WebhookChannel(target: target, format: format)))
    }

    /// A transport whose environment holds only `variables`, with timeouts short enough for tests.
    static func transport(_ variables: [String: String] = ["SMTP_PASSWORD": "s3cret"], total: Double = 15) -> LiveTransport {
        LiveTransport(timeouts: DeliveryTimeouts(connect: 5, total: total), environment: { variables[$0] })
    }
}

/// One message as the aiosmtpd test server received and Python's e-mail parser read it.
struct ReceivedMail: Decodable {
    var mailFrom: String
    var rcptTos: [String]
    var raw: String
    var headerNames: [String]
    /// Lower-cased names; values decoded (RFC 2047 words turned back into text).
    var headers: [String: String]
    var toAddresses: [String]
    var fromAddress: String?
    var fromDisplayName: String?
    var dateValid: Bool
    var contentType: String
    var text: String?
    var html: String?
    var defects: [String]
    var longestLine: Int
    var bareLineFeeds: Int
    var nonAsciiBytes: Int
}

/// One request as the webhook test receiver recorded it.
struct ReceivedRequest: Decodable {
    var method: String
    var path: String
    var headers: [String: String]
    var body: String

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
    }
}
