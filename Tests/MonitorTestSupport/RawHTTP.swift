import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// HTTP over a plain loopback socket, the bytes exactly as written (shared by the router and
/// the daemon tests): URLSession and curl
/// normalise request targets (`//api` → `/api`), which is what the path tests must avoid.
/// Blocking socket calls run on a Dispatch thread, never on the cooperative pool the server
/// answers from; every read has a timeout.
public enum RawHTTP {
    public struct Answer: Sendable {
        public var status: Int
        public var head: String
        public var body: String

        /// The value of the first header named `name` (case-insensitive).
        public func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                if line[..<colon].lowercased() == name.lowercased() {
                    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }

        public func json() -> [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Sends `request` (add `Connection: close`, so the answer ends with the connection) and reads
    /// everything until the server closes or `timeout` seconds pass without data (generous: the whole suite runs in parallel on two cores).
    public static func exchange(port: Int, _ request: String, timeout: Int = 30) async throws -> Answer {
        let result: Result<Answer, Failure> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    returning: Result { try exchangeBlocking(port: port, request, timeout: timeout) }.mapError {
                        $0 as? Failure ?? Failure(description: "\($0)")
                    })
            }
        }
        return try result.get()
    }

    /// `METHOD TARGET HTTP/1.1` with `Host`, `Connection: close` and `extra` header lines.
    public static func request(_ method: String, _ target: String, host: String? = "127.0.0.1", extra: [String] = []) -> String {
        var lines = ["\(method) \(target) HTTP/1.1"]
        if let host { lines.append("Host: \(host)") }
        lines += extra + ["Connection: close", "", ""]
        return lines.joined(separator: "\r\n")
    }

    public static func exchangeBlocking(port: Int, _ request: String, timeout: Int) throws -> Answer {
        let fd = try connect(port: port, timeout: timeout)
        defer { close(fd) }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            sent += n
        }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 {
                received += buffer[0..<n]
                continue
            }
            if n == 0 || !received.isEmpty { break }
            throw Failure(description: "no answer (errno \(errno))")
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { throw Failure(description: "no complete answer head: \(text)") }
        let head = String(text[..<end.lowerBound])
        let parts = head.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line: \(head)") }
        return Answer(status: status, head: head, body: String(text[end.upperBound...]))
    }

    /// A connected TCP socket to 127.0.0.1:`port` with a receive timeout.
    public static func connect(port: Int, timeout: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "cannot open a socket: errno \(errno)") }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
        return fd
    }
}
