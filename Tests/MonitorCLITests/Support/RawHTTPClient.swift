import Foundation
import MonitorTestSupport

/// HTTP/1.1 over a plain loopback socket with the request target exactly as written (curl and
/// URLSession normalise `//api` to `/api`), and idle sockets for connection-limit tests: the
/// daemon tests' face of ``RawHTTP``, answering `nil` where nothing answered in time.
enum RawHTTPClient {
    typealias Answer = RawHTTP.Answer

    /// A TCP socket connected to 127.0.0.1:`port`, or `nil` when the connection was not made
    /// within `timeout` seconds.
    static func connect(port: Int, timeout: Int) -> Int32? {
        try? RawHTTP.connect(port: port, timeout: timeout)
    }

    /// Sends `METHOD TARGET` with `Host: 127.0.0.1`, `Connection: close` and `headers`, and reads
    /// the answer until the server closes; `nil` when nothing answered within `timeout` seconds.
    static func exchange(port: Int, _ method: String, _ target: String, headers: [String] = [], timeout: Int = 10) -> Answer? {
        try? RawHTTP.exchangeBlocking(port: port, RawHTTP.request(method, target, extra: headers), timeout: timeout)
    }
}
