import MonitorCore
import Testing

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080, "127.0.0.1:8080"),
        ("0.0.0.0:80", "0.0.0.0", 80, "0.0.0.0:80"),
        ("localhost:65535", "localhost", 65_535, "localhost:65535"),
        ("[::1]:9090", "::1", 9090, "[::1]:9090"),
        ("[::]:1", "::", 1, "[::]:1"),
    ])
    func parses(_ text: String, _ host: String, _ port: Int, _ canonical: String) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.description == canonical)
    }

    @Test(arguments: [
        ("localhost", "expected HOST:PORT, e.g. localhost:8080"),
        ("8080", "expected HOST:PORT, e.g. 8080:8080"),
        ("", "expected HOST:PORT, e.g. 127.0.0.1:8080"),
        (":8080", "the host is missing (e.g. 127.0.0.1:8080, or 0.0.0.0:8080 for every interface)"),
        ("127.0.0.1:0", "the port must be a number from 1 to 65535"),
        ("127.0.0.1:99999", "the port must be a number from 1 to 65535"),
        ("127.0.0.1:http", "the port must be a number from 1 to 65535"),
        ("::1:8080", "write IPv6 hosts in brackets, e.g. [::1]:8080"),
        ("[::1:8080", "missing \"]\" after the IPv6 address"),
        ("[::1]8080", "expected \":PORT\" after \"]\""),
        ("my host:80", "\"my host\" is not a host name or IP address"),
    ])
    func refuses(_ text: String, _ problem: String) {
        do {
            _ = try ListenAddress(parsing: text)
            Issue.record("\"\(text)\" was accepted")
        } catch {
            #expect(error.message == "invalid listen address \"\(text)\": \(problem)")
        }
    }
}
