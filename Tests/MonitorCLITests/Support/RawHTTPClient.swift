import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// HTTP/1.1 over a plain loopback socket with the request target exactly as written (curl and
/// URLSession normalise `//api` to `/api`), and idle sockets for connection-limit tests.
/// Every connect, send and receive has a timeout.
enum RawHTTPClient {
    struct Answer {
        var status: Int
        var head: String
        var body: String
    }

    /// A TCP socket connected to 127.0.0.1:`port`, or `nil` when the connection was not made
    /// within `timeout` seconds.
    static func connect(port: Int, timeout: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))  // bounds connect() too on Linux
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Sends `METHOD TARGET` with `Host: 127.0.0.1`, `Connection: close` and `headers`, and reads
    /// the answer until the server closes; `nil` when nothing answered within `timeout` seconds.
    static func exchange(port: Int, _ method: String, _ target: String, headers: [String] = [], timeout: Int = 10) -> Answer? {
        guard let fd = connect(port: port, timeout: timeout) else { return nil }
        defer { close(fd) }
        let request = (["\(method) \(target) HTTP/1.1", "Host: 127.0.0.1", "Connection: close"] + headers + ["", ""]).joined(separator: "\r\n")
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else { return nil }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { break }
            received += buffer[0..<n]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let head = String(text[..<end.lowerBound])
        let parts = head.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        return Answer(status: status, head: head, body: String(text[end.upperBound...]))
    }
}
