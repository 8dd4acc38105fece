import CCurl
import Foundation
import MonitorCore

/// Posts a notification as JSON to the route's webhook, with libcurl (SPEC §6).
///
/// Any answer outside 2xx is a failure: 408, 429 and 5xx may pass (retryable); 3xx and other
/// 4xx mean the URL or the payload is wrong (not retryable). Redirects are not followed, so a
/// POST is never silently turned into a GET elsewhere. Messages name the host only: a webhook
/// URL often carries its secret in the path. libcurl's usual proxy variables (`https_proxy`,
/// `no_proxy`...) apply, as they do for `curl`, so a daemon behind a proxy can reach chat services.
struct WebhookTransport {
    var timeouts: DeliveryTimeouts
    var environment: @Sendable (String) -> String?
    var cancellation: DeliveryCancellation?

    func send(_ alert: Alert, routeName: String, channel: WebhookChannel) throws(DeliveryError) {
        let url: String
        switch channel.target {
        case .url(let value): url = value
        case .env(let name):
            // Read at send time, never stored: the URL is a secret.
            guard let value = environment(name), !value.isEmpty else {
                throw .missingVariable(name, purpose: "the webhook URL of route \(routeName)")
            }
            url = value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let host = Self.host(of: url), let server = Self.address(of: url) else {
            let origin = if case .env(let name) = channel.target { "in \(name)" } else { "of route \(routeName)" }
            throw DeliveryError("the webhook URL \(origin) is not an http:// or https:// URL with a host", retryable: false)
        }
        let body = WebhookPayload.body(alert, routeName: routeName, format: channel.format)
        let easy: CurlEasy
        do {
            easy = try CurlEasy()
            try easy.set(CURLOPT_URL, url)
            try easy.allowProtocols("http,https", mask: CURLPROTO_HTTP | CURLPROTO_HTTPS)
            try easy.set(CURLOPT_POST, 1)
            try easy.set(CURLOPT_POSTFIELDSIZE, body.count)
            try easy.set(CURLOPT_COPYPOSTFIELDS, String(decoding: body, as: UTF8.self))
            // No "Expect: 100-continue" round trip: the body is small.
            try easy.set(CURLOPT_HTTPHEADER, CurlList(["Content-Type: application/json", "Expect:"]))
            try easy.set(CURLOPT_USERAGENT, "monitor (backup monitor)")
            try easy.set(CURLOPT_CONNECTTIMEOUT_MS, timeouts.connectMilliseconds)
            try easy.set(CURLOPT_TIMEOUT_MS, timeouts.totalMilliseconds)
        } catch {
            throw DeliveryError("cannot prepare the webhook request: \(error)", retryable: true)
        }
        do throws(CurlError) {
            try easy.perform(cancellation: cancellation)
        } catch {
            throw error.commonMessage(server: server, host: host, timeouts: timeouts)
                ?? DeliveryError("webhook at \(server) failed: \(error.summary)", retryable: true)
        }
        let status = easy.responseCode
        guard (200...299).contains(status) else {
            let answer = CurlTranscript.printable(String(decoding: easy.response.prefix(200), as: UTF8.self))
                .trimmingCharacters(in: .whitespaces)
            let retryable = status == 408 || status == 429 || status >= 500
            throw DeliveryError("webhook at \(host) answered HTTP \(status)" + (answer.isEmpty ? "" : ": \(answer)"), retryable: retryable)
        }
    }

    /// The host of an `http(s)://` URL, or `nil` when it is not one.
    static func host(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return nil }
        return host
    }

    /// `host:port` with the scheme's default port, for messages.
    private static func address(of url: String) -> String? {
        guard let components = URLComponents(string: url), let host = host(of: url) else { return nil }
        let port = components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
