import Foundation
import MonitorCore
import MonitorRuntime
import MonitorTestSupport
import Testing

/// E-mail through a real SMTP server (aiosmtpd on loopback): STARTTLS + AUTH, smtps, plain.
@Suite(.timeLimit(.minutes(1))) struct EmailTransportTests {
    @Test func starttlsWithAuthDeliversOneWellFormedMessage() throws {
        let server = try TestServer.mail(.starttls)
        let route = Samples.emailRoute(server.smtpURL(), caFile: try TestCertificate.files().certificate.path)
        try Samples.transport().deliver(Samples.alert(), route: route, settings: Samples.settings)

        let mails = try server.received(ReceivedMail.self)
        try #require(mails.count == 1)
        let mail = mails[0]
        #expect(mail.mailFrom == "monitor@example.com")
        #expect(mail.rcptTos == ["ops@example.com", "dba@example.com"])
        #expect(mail.headers["subject"] == "[monitor] FAILED postgres-prod — 2026-11-24 02:00 Europe/Paris")
        #expect(mail.raw.contains("Subject: [monitor] FAILED postgres-prod =?UTF-8?B?"), "the em dash travels as an RFC 2047 encoded-word")
        #expect(mail.dateValid)
        #expect(mail.headers["message-id"]?.wholeMatch(of: /<[0-9a-z.]+@example\.com>/) != nil)
        #expect(mail.fromAddress == "monitor@example.com")
        #expect(mail.fromDisplayName == "Backup Monitor")
        #expect(mail.toAddresses == ["ops@example.com", "dba@example.com"])
        #expect(mail.headers["mime-version"] == "1.0")
        #expect(mail.headers["auto-submitted"] == "auto-generated")
        #expect(mail.contentType == "multipart/alternative")
        #expect(mail.defects.isEmpty)
        #expect(mail.longestLine <= 78)
        #expect(mail.bareLineFeeds == 0)
        #expect(mail.nonAsciiBytes == 0)

        #expect(
            mail.text == """
                The backup job postgres-prod reported FAILED.

                Job:         postgres-prod (Nightly pg_dump of the prod cluster)
                Verdict:     FAILED
                Scheduled:   2026-11-24 02:00 Europe/Paris (2026-11-24 01:00 UTC)
                Window end:  2026-11-24 05:00 Europe/Paris (2026-11-24 04:00 UTC)
                Destination: nas
                Labels:      env=prod, team=data
                Detected:    2026-11-24 04:01 UTC
                Link:        https://backups.example.com/jobs/postgres-prod

                Message:
                  pg_dump: connection refused

                --\u{20}
                Sent by monitor through alert route ops-email.

                """)
        let html = try #require(mail.html)
        #expect(html.contains("<a href=\"https://backups.example.com/jobs/postgres-prod\">"))
        #expect(html.contains("<pre>pg_dump: connection refused</pre>"))
    }

    @Test func smtpsSpeaksTLSFromTheFirstByte() throws {
        let server = try TestServer.mail(.smtps)
        let route = Samples.emailRoute(server.smtpURL("smtps"), caFile: try TestCertificate.files().certificate.path)
        try Samples.transport().deliver(Samples.alert(), route: route, settings: Samples.settings)
        #expect(try server.received(ReceivedMail.self).map(\.rcptTos) == [["ops@example.com", "dba@example.com"]])
    }

    @Test func groupedMissingRunsAreListedAndEachEventSaysWhatItIs() throws {
        let server = try TestServer.mail(.plain)
        let route = Samples.emailRoute(server.smtpURL(), tls: .none, username: nil, passwordEnv: nil)
        let transport = Samples.transport([:])
        let runs = [Samples.occurrence(daysBefore: 2), Samples.occurrence(daysBefore: 1), Samples.occurrence()]
        let alerts = [
            Samples.alert(.missing, state: "MISSING", occurrences: runs, message: nil),
            Samples.alert(.resolved, state: "SUCCESS", message: "pg_dump finished"),
            Samples.alert(.reminder, state: "FAILED"),
            Alert.test(settings: Samples.settings, now: Samples.detected),
        ]
        for alert in alerts { try transport.deliver(alert, route: route, settings: Samples.settings) }

        let mails = try server.received(ReceivedMail.self)
        #expect(
            mails.map { $0.headers["subject"] ?? "" } == [
                "[monitor] MISSING postgres-prod — 3 runs, 2026-11-22 02:00 Europe/Paris to 2026-11-24 02:00 Europe/Paris",
                "[monitor] RESOLVED postgres-prod — back to SUCCESS, 2026-11-24 02:00 Europe/Paris",
                "[monitor] REMINDER postgres-prod still FAILED — since 2026-11-24 02:00 Europe/Paris",
                "[monitor] TEST message through route ops-email — not an alert",
            ])
        #expect(mails.allSatisfy { $0.longestLine <= 78 && $0.defects.isEmpty })
        let missing = try #require(mails.first?.text)
        #expect(missing.contains("No status file arrived for 3 runs of postgres-prod before the end of their windows."))
        #expect(missing.contains("Runs (3):"))
        for day in ["22", "23", "24"] {
            #expect(
                missing.contains("  - 2026-11-\(day) 02:00 Europe/Paris (2026-11-\(day) 01:00 UTC), window ended 2026-11-\(day) 05:00 Europe/Paris"))
        }
        let test = try #require(mails.last?.text)
        #expect(test.contains("This is a test message sent with `monitor notify test ops-email`."))
        #expect(test.contains("It is not an alert."))
    }

    @Test func headerInjectionThroughJobNamesAndMessagesIsImpossible() throws {
        let server = try TestServer.mail(.plain)
        let route = Samples.emailRoute(server.smtpURL(), tls: .none, username: nil, passwordEnv: nil, to: ["ops@example.com"])
        let hostile = Samples.alert(
            job: "postgres-prod\r\nBcc: victim@example.com", message: "dump failed\r\nBcc: victim@x\r\n\r\nfake body\n.\nMAIL FROM:<x@y>")
        try Samples.transport([:]).deliver(hostile, route: route, settings: Samples.settings)

        let mails = try server.received(ReceivedMail.self)
        try #require(mails.count == 1)
        #expect(mails[0].rcptTos == ["ops@example.com"])
        #expect(!mails[0].headerNames.contains { $0.lowercased() == "bcc" })
        let headerBlock = try #require(mails[0].raw.components(separatedBy: "\r\n\r\n").first)
        #expect(!headerBlock.lowercased().contains("\nbcc:"))
        #expect(mails[0].headers["subject"] == "[monitor] FAILED postgres-prod Bcc: victim@example.com — 2026-11-24 02:00 Europe/Paris")
        // In the body the text is shown for what it is, and a lone "." did not end the message.
        let text = try #require(mails[0].text)
        #expect(text.contains("  dump failed\n  Bcc: victim@x\n  \n  fake body\n  .\n  MAIL FROM:<x@y>"))
        #expect(text.contains("Sent by monitor through alert route ops-email."))
        // In the HTML part the "." starts a line: libcurl's dot-stuffing kept it from ending DATA.
        #expect(mails[0].html?.contains("fake body\n.\nMAIL FROM:&lt;x@y&gt;</pre>") == true)
    }

    @Test func nonASCIINamesAndLongSubjectsAreEncodedAndFolded() throws {
        let server = try TestServer.mail(.plain)
        let route = Samples.emailRoute(
            server.smtpURL(), tls: .none, username: nil, passwordEnv: nil,
            to: ["Équipe d'astreinte <ops@example.com>"], from: "Moniteur de sauvegardes <monitor@example.com>")
        let job = String(repeating: "sauvegarde-é", count: 5)
        try Samples.transport([:]).deliver(
            Samples.alert(job: job, message: "Échec : disque plein ✗ — 100 %"), route: route, settings: Samples.settings)

        let mail = try #require(try server.received(ReceivedMail.self).first)
        #expect(mail.headers["subject"] == "[monitor] FAILED \(job) — 2026-11-24 02:00 Europe/Paris")
        #expect(mail.headers["to"] == "Équipe d'astreinte <ops@example.com>")
        #expect(mail.fromDisplayName == "Moniteur de sauvegardes")
        #expect(mail.longestLine <= 78)
        #expect(mail.nonAsciiBytes == 0)
        #expect(mail.defects.isEmpty)
        #expect(mail.text?.contains("Échec : disque plein ✗ — 100 %") == true)
    }
}
