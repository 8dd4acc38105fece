import CCurl
import Foundation
import MonitorCore

/// Sends a notification as an e-mail through the route's SMTP server, with libcurl (SPEC §6).
///
/// TLS: `smtps://` speaks TLS from the first byte; with `smtp://`, `tls: required` insists on
/// STARTTLS, `optional` uses it when offered, `none` never does. Certificates are always
/// verified. `ca_file` is added to the system's trust rather than replacing it: libcurl's
/// `CURLOPT_CAINFO` replaces its default bundle, so the system's hashed certificate folder
/// stays in through `CURLOPT_CAPATH`.
struct EmailTransport {
    var timeouts: DeliveryTimeouts
    var environment: @Sendable (String) -> String?
    var cancellation: DeliveryCancellation?

    /// Where Debian, Ubuntu, Alpine and Arch keep the hashed system certificates (OpenSSL's CApath).
    static let systemCertificateFolder = "/etc/ssl/certs"

    func send(_ alert: Alert, routeName: String, channel: EmailChannel, now: Date) throws(DeliveryError) {
        let server = SMTPServer(url: channel.smtpURL)
        var password: String?
        if let name = channel.passwordEnv {
            // Read at send time, never stored: rotating the secret needs no `monitor apply`.
            guard let value = environment(name), !value.isEmpty else {
                throw .missingVariable(name, purpose: "the SMTP password of route \(routeName)")
            }
            password = value
        }
        let message = EmailMessage(
            alert: alert, routeName: routeName, channel: channel, date: now,
            uniqueID: Self.uniqueID(now))
        let easy: CurlEasy
        do {
            easy = try CurlEasy()
            try configure(easy, server: server, channel: channel, password: password, message: message)
        } catch {
            throw DeliveryError("cannot prepare the SMTP transfer: \(error)", retryable: true)
        }
        do throws(CurlError) {
            try easy.perform(cancellation: cancellation)
        } catch {
            throw explain(error, transcript: easy.transcript, server: server, channel: channel)
        }
    }

    private func configure(_ easy: CurlEasy, server: SMTPServer, channel: EmailChannel, password: String?, message: EmailMessage) throws(CurlError) {
        try easy.set(CURLOPT_URL, server.curlURL(greeting: Self.hostName()))
        // Whatever the URL says, only SMTP: a typo cannot turn this into a file or HTTP transfer.
        try easy.allowProtocols("smtp,smtps", mask: CURLPROTO_SMTP | CURLPROTO_SMTPS)
        let policy: curl_usessl =
            switch channel.tls {
            case .required: CURLUSESSL_ALL
            case .optional: CURLUSESSL_TRY
            case .none: CURLUSESSL_NONE
            }
        try easy.set(CURLOPT_USE_SSL, Int(policy.rawValue))
        if let caFile = channel.caFile {
            try easy.set(CURLOPT_CAINFO, caFile)
            if FileManager.default.fileExists(atPath: Self.systemCertificateFolder) {
                try easy.set(CURLOPT_CAPATH, Self.systemCertificateFolder)
            }
        }
        if let username = channel.username { try easy.set(CURLOPT_USERNAME, username) }
        if let password { try easy.set(CURLOPT_PASSWORD, password) }
        try easy.set(CURLOPT_MAIL_FROM, "<\(channel.from.address)>")
        try easy.set(CURLOPT_MAIL_RCPT, CurlList(channel.to.map { "<\($0.address)>" }))
        try easy.setUpload(message.rendered)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, timeouts.connectMilliseconds)
        try easy.set(CURLOPT_TIMEOUT_MS, timeouts.totalMilliseconds)
        try easy.recordTranscript()
    }

    /// The failure in the operator's words, with the server's reply when it gave one.
    private func explain(_ error: CurlError, transcript: CurlTranscript, server: SMTPServer, channel: EmailChannel) -> DeliveryError {
        let reply = transcript.lastReply
        let replyCode = reply.flatMap { Int($0.prefix(3)) }
        let because = reply.map { " (\($0))" } ?? ""
        // 5xx is the server's final word; 4xx (greylisting, a full mailbox, "try later") is not.
        let permanent = replyCode.map { $0 >= 500 } ?? false
        switch error.code {
        case CURLE_LOGIN_DENIED:
            return DeliveryError("authentication failed for user \(channel.username ?? "(none)") at \(server.address)\(because)", retryable: false)
        case CURLE_USE_SSL_FAILED:
            return DeliveryError(
                """
                \(server.address) does not offer STARTTLS and the route has tls: required; use smtps:// if the \
                server speaks TLS from the start, or tls: optional to allow plain text
                """, retryable: false)
        default:
            break
        }
        if error.detail.hasPrefix("RCPT") {
            let recipient = transcript.lastCommand(startingWith: "RCPT").map(Self.angleAddress) ?? "?"
            return DeliveryError("recipient refused: \(recipient)\(because)", retryable: !permanent)
        }
        if error.detail.hasPrefix("MAIL") {
            return DeliveryError("sender refused: <\(channel.from.address)>\(because)", retryable: !permanent)
        }
        if transcript.lastCommand == "DATA", let replyCode, replyCode >= 400 {
            return DeliveryError("message refused by \(server.address)\(because)", retryable: !permanent)
        }
        if let common = error.commonMessage(server: server.address, host: server.host, timeouts: timeouts) {
            return common
        }
        return DeliveryError("SMTP delivery through \(server.address) failed: \(error)\(because)", retryable: !permanent)
    }

    /// `<x@y>` out of `RCPT TO:<x@y> SIZE=...`.
    private static func angleAddress(_ command: String) -> String {
        guard let open = command.firstIndex(of: "<"), let close = command[open...].firstIndex(of: ">") else { return command }
        return String(command[open...close])
    }

    /// The random part of a Message-ID: unique without any coordination between hosts.
    private static func uniqueID(_ now: Date) -> String {
        "\(Int(now.timeIntervalSince1970)).\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
    }

    /// This machine's name for EHLO; `gethostname` rather than `ProcessInfo.hostName`, which may
    /// wait for DNS.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let safe = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
        return safe.isEmpty ? "localhost" : safe
    }
}

/// The parts of an `smtp://` or `smtps://` URL that messages and libcurl need.
struct SMTPServer {
    let url: String
    let host: String
    /// `host:port`, the port defaulted as libcurl does (25 for smtp, 465 for smtps).
    let address: String
    private let hasPath: Bool

    init(url: String) {
        self.url = url
        let rest = url.range(of: "://").map { url[$0.upperBound...] } ?? url[...]
        let implicitTLS = url.lowercased().hasPrefix("smtps://")
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        hasPath = rest.dropFirst(authority.count).count > 1
        var host = authority
        var port: Substring = implicitTLS ? "465" : "25"
        if let close = authority.lastIndex(of: "]") {
            host = authority[...close]
            if authority[close...].contains(":") { port = authority[authority.index(after: close)...].dropFirst() }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        self.host = String(host)
        address = "\(host):\(port)"
    }

    /// The URL with this machine's name as its path: libcurl greets the server with the path
    /// (`EHLO name`), and with none it would say `EHLO localhost`, which some servers refuse.
    func curlURL(greeting: String) -> String {
        guard !hasPath else { return url }
        return (url.hasSuffix("/") ? url : url + "/") + greeting
    }
}
