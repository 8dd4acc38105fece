import CCurl
import Foundation
import MonitorCore

/// One HTTP request to a service: what each service's file builds from an alert.
struct ServiceRequest {
    var method: Method
    /// The full URL, query included; it may hold a secret (a bot token in Telegram's path).
    var url: String
    /// `Name: value` lines, besides `User-Agent`.
    var headers: [String]
    var body: [UInt8]

    enum Method: String {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
    }

    /// A JSON body (keys sorted, slashes unescaped) with its content type.
    static func json(_ method: Method = .post, _ url: String, _ value: some Encodable, headers: [String] = []) -> ServiceRequest {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(value)).map(Array.init) ?? Array("{}".utf8)
        return ServiceRequest(method: method, url: url, headers: ["Content-Type: application/json"] + headers, body: body)
    }

    /// An `application/x-www-form-urlencoded` body, fields in the order given.
    static func form(_ url: String, _ fields: [(String, String)]) -> ServiceRequest {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        return ServiceRequest(method: .post, url: url, headers: ["Content-Type: application/x-www-form-urlencoded"], body: Array(body.utf8))
    }
}

/// What a service answered: its status, the start of its body, and its headers.
struct ServiceAnswer {
    var status: Int
    var body: [UInt8]
    /// Response header lines as received, e.g. "Retry-After: 30".
    var headerLines: [String]

    /// The value of the last header `name` (case-insensitive), trimmed.
    func header(_ name: String) -> String? {
        let prefix = name.lowercased() + ":"
        return headerLines.last { $0.lowercased().hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) }
    }

    /// The body as a JSON object, when it is one.
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
}

/// Sends a ``ServiceRequest`` with libcurl: HTTP(S) only, redirects not followed (a POST is never
/// turned into a GET elsewhere), the usual proxy variables honoured, the transfer bounded by the
/// route's timeouts and stopped by `cancellation`.
struct ServiceHTTP {
    var timeouts: DeliveryTimeouts
    var cancellation: DeliveryCancellation?

    func perform(_ request: ServiceRequest) throws(CurlError) -> ServiceAnswer {
        let easy = try CurlEasy()
        try easy.set(CURLOPT_URL, request.url)
        try easy.allowProtocols("http,https", mask: CURLPROTO_HTTP | CURLPROTO_HTTPS)
        switch request.method {
        case .get:
            try easy.set(CURLOPT_HTTPGET, 1)
        case .post, .put:
            try easy.set(CURLOPT_POST, 1)
            try easy.set(CURLOPT_POSTFIELDSIZE, request.body.count)
            try easy.set(CURLOPT_COPYPOSTFIELDS, String(decoding: request.body, as: UTF8.self))
            if request.method == .put { try easy.set(CURLOPT_CUSTOMREQUEST, "PUT") }
        }
        // No "Expect: 100-continue" round trip: bodies are small.
        try easy.set(CURLOPT_HTTPHEADER, CurlList(request.headers + ["Expect:"]))
        try easy.set(CURLOPT_USERAGENT, "monitor (backup monitor)")
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, timeouts.connectMilliseconds)
        try easy.set(CURLOPT_TIMEOUT_MS, timeouts.totalMilliseconds)
        // Response headers (Retry-After) come through the transcript; what is sent is never kept.
        try easy.recordTranscript()
        try easy.perform(cancellation: cancellation)
        let received = easy.transcript.lines.filter { !$0.sent }.map(\.text)
        // Only the headers of the last response (after any "100 Continue").
        let last = received.lastIndex { $0.uppercased().hasPrefix("HTTP/") } ?? received.startIndex
        return ServiceAnswer(status: easy.responseCode, body: easy.response, headerLines: Array(received[last...]))
    }
}
