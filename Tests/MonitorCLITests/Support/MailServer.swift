import Foundation
import MonitorTestSupport

/// aiosmtpd on 127.0.0.1 with STARTTLS and AUTH (user `monitor`, password `s3cret`), presenting
/// the shared self-signed ``TestCertificate``: the shared ``TestServer`` with what the
/// command-line tests read from it.
final class MailServer {
    let server: TestServer
    var port: Int { server.port }
    /// The server's certificate, to trust with `ca_file`.
    let certificate: URL

    /// - Parameter arguments: extra options of `Tests/Servers/smtp_server.py`, e.g. `--stall-data 1`.
    init(arguments extra: [String] = []) throws {
        server = try TestServer.mail(.starttls, extra: extra)
        certificate = try TestCertificate.files().certificate
    }

    struct Mail: Decodable {
        var rcptTos: [String]
        var headers: [String: String]
        var text: String?
    }

    /// Whether the server has received a DATA command that it is leaving unanswered.
    var hasStalled: Bool { FileManager.default.fileExists(atPath: server.records.path + ".stalled") }

    /// The messages accepted so far, oldest first.
    func received() throws -> [Mail] { try server.received(Mail.self) }

    /// An alert route's `email:` channel sending to ops@example.com through this server, as YAML
    /// indented for an entry of `alert_routes:` (the password comes from ``environment``).
    var route: String {
        """
            email:
              to: [ops@example.com]
              from: monitor@example.com
              smtp_url: smtp://127.0.0.1:\(port)
              ca_file: \(certificate.path)
              username: monitor
              password_env: SMTP_PASSWORD
        """
    }

    /// What `monitor` needs in its environment to log in.
    static let environment = ["SMTP_PASSWORD": "s3cret"]
}
