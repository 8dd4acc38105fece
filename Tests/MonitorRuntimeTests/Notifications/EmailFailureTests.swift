import Foundation
import MonitorCore
import MonitorRuntime
import MonitorTestSupport
import Testing

/// What a failed e-mail delivery says, and whether the outbox should try again.
@Suite(.timeLimit(.minutes(1))) struct EmailFailureTests {
    /// The error `deliver` threw, or a test failure when it delivered.
    func failure(
        _ alert: Alert = Samples.alert(), route: AlertRoute, transport: LiveTransport = Samples.transport(),
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> DeliveryError? {
        do throws(DeliveryError) {
            try transport.deliver(alert, route: route, settings: Samples.settings)
            Issue.record("delivered, but a failure was expected", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test func aWrongPasswordIsAnAuthenticationFailureNotWorthRetrying() throws {
        let server = try TestServer.mail(.starttls)
        let route = Samples.emailRoute(server.smtpURL(), caFile: try TestCertificate.files().certificate.path)
        let error = try #require(failure(route: route, transport: Samples.transport(["SMTP_PASSWORD": "wrong"])))
        #expect(error.message == "authentication failed for user monitor at 127.0.0.1:\(server.port) (535 5.7.8 Authentication credentials invalid)")
        #expect(!error.retryable)
        #expect(try server.received(ReceivedMail.self).isEmpty)
    }

    @Test func anUntrustedCertificateIsATLSErrorThatNamesCAFile() throws {
        let server = try TestServer.mail(.starttls)
        let error = try #require(failure(route: Samples.emailRoute(server.smtpURL())))
        #expect(error.message.hasPrefix("TLS: the certificate of 127.0.0.1:\(server.port) is not trusted ("))
        #expect(error.message.contains("self-signed certificate"))
        #expect(error.message.hasSuffix("set ca_file to the CA that signed it, or fix the server's certificate"))
        #expect(!error.retryable)
    }

    @Test func aRefusedRecipientIsNamedAndOnlyTemporaryRefusalsAreRetried() throws {
        let server = try TestServer.mail(.plain, reject: ["gone@example.com"], defer: ["busy@example.com"])
        let refused = try #require(
            failure(
                route: Samples.emailRoute(
                    server.smtpURL(), tls: .none, username: nil, passwordEnv: nil, to: ["ops@example.com", "gone@example.com"])))
        #expect(refused.message == "recipient refused: <gone@example.com> (550 5.1.1 <gone@example.com>: mailbox unavailable)")
        #expect(!refused.retryable)
        let deferred = try #require(
            failure(
                route: Samples.emailRoute(
                    server.smtpURL(), tls: .none, username: nil, passwordEnv: nil, to: ["busy@example.com"])))
        #expect(deferred.message == "recipient refused: <busy@example.com> (450 4.2.0 <busy@example.com>: try again later)")
        #expect(deferred.retryable)
        // Nobody got a copy: a refused recipient stops the message before DATA.
        #expect(try server.received(ReceivedMail.self).isEmpty)
    }

    @Test func aServerThatIsDownIsRetried() throws {
        let port = try closedPort()
        let error = try #require(failure(route: Samples.emailRoute("smtp://127.0.0.1:\(port)")))
        #expect(error.message == "connection refused by 127.0.0.1:\(port)")
        #expect(error.retryable)
    }

    @Test func aMissingPasswordVariableIsNamedAndNothingIsSent() throws {
        let server = try TestServer.mail(.starttls)
        let route = Samples.emailRoute(server.smtpURL(), caFile: try TestCertificate.files().certificate.path)
        let error = try #require(failure(route: route, transport: Samples.transport([:])))
        #expect(error.message == "environment variable SMTP_PASSWORD is not set (it should hold the SMTP password of route ops-email)")
        #expect(error.retryable)
        #expect(try server.received(ReceivedMail.self).isEmpty)
    }

    @Test func requiredTLSRefusesAServerWithoutSTARTTLS() throws {
        let server = try TestServer.mail(.plain)
        let error = try #require(failure(route: Samples.emailRoute(server.smtpURL(), username: nil, passwordEnv: nil)))
        #expect(error.message.hasPrefix("127.0.0.1:\(server.port) does not offer STARTTLS and the route has tls: required"))
        #expect(!error.retryable)
        #expect(try server.received(ReceivedMail.self).isEmpty)
    }

    @Test func authenticationRequiredButNoCredentialsIsASenderRefusal() throws {
        let server = try TestServer.mail(.starttls)
        let route = Samples.emailRoute(server.smtpURL(), caFile: try TestCertificate.files().certificate.path, username: nil, passwordEnv: nil)
        let error = try #require(failure(route: route))
        #expect(error.message.hasPrefix("sender refused: <monitor@example.com> (530 "))
        #expect(!error.retryable)
    }
}
