import Foundation
import Hummingbird
import MonitorCore
import Testing

@testable import MonitorWeb

/// Every route the daemon serves is in docs/reference.md. The routes come from the router that
/// `monitor run` builds (Hummingbird lists what was registered), not from a list kept by hand.
@Suite("docs/reference.md lists every route of the router")
struct ReferenceRouteTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `METHOD /path` of every registered route, with Hummingbird's `:name` written `{name}` as
    /// the reference writes parameters.
    static func routes() throws -> [(method: String, path: String)] {
        let fixture = try WebFixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        let router = buildRouter(try fixture.dependencies(), listen: ListenAddress(host: "127.0.0.1", port: 0))
        return router.routes.map { route in
            let path = "\(route.path)".split(separator: "/", omittingEmptySubsequences: false).map { segment in
                segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
            }.joined(separator: "/")
            return (route.method.rawValue, path.isEmpty ? "/" : path)
        }
    }

    /// The lines of the reference's "HTTP routes" section.
    static func routeSection() throws -> [String] {
        let text = try String(contentsOf: repository.appendingPathComponent("docs/reference.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: "## HTTP routes") else { return [] }
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        return Array(lines[start..<end])
    }

    /// Whether `line` names `path` on its own (`/api/jobs` is not found in `/api/jobs/{name}`)
    /// together with `method` as a word.
    static func line(_ line: String, documents method: String, _ path: String) -> Bool {
        let escaped = NSRegularExpression.escapedPattern(for: path)
        let names = line.range(of: #"(?<=[`\s])"# + escaped + #"(?=[`\s,?|]|$)"#, options: .regularExpression) != nil
        let says = line.range(of: "(?<![A-Za-z])\(method)(?![A-Za-z])", options: .regularExpression) != nil
        return names && says
    }

    @Test("the router lists the daemon's routes")
    func routerListsRoutes() throws {
        let routes = try Self.routes()
        let spelled = Set(routes.map { "\($0.method) \($0.path)" })
        #expect(
            spelled.isSuperset(of: ["GET /", "GET /api/jobs", "GET /api/jobs/{name}", "POST /api/scan", "GET /healthz", "GET /metrics"]),
            "\(spelled.sorted())")
    }

    @Test("every route of the router is in the HTTP routes section of docs/reference.md")
    func everyRouteIsDocumented() throws {
        let section = try Self.routeSection()
        #expect(!section.isEmpty, "docs/reference.md has no \"## HTTP routes\" section")
        for route in try Self.routes() {
            #expect(
                section.contains { Self.line($0, documents: route.method, route.path) },
                "docs/reference.md does not document \(route.method) \(route.path) in its HTTP routes section")
        }
    }

    @Test("the check notices a route that is missing")
    func checkNoticesAMissingRoute() {
        let section = ["| `GET /api/jobs/{name}` | one job |", "| `GET /api/jobs/{name}/occurrences` | occurrences |"]
        #expect(section.contains { Self.line($0, documents: "GET", "/api/jobs/{name}") })
        #expect(!section.contains { Self.line($0, documents: "GET", "/api/jobs") })
        #expect(!section.contains { Self.line($0, documents: "POST", "/api/jobs/{name}") })
    }
}
