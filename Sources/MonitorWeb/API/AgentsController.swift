import Foundation
import Hummingbird
import MonitorCore
import MonitorStore

/// `GET /api/agents`: the agents of a shared state (SPEC §12), as their heartbeats show them —
/// up or down by the database's clock, when last seen, and the destinations each scans. Empty
/// with an SQLite state, where the one monitor is all there is.
struct AgentsController<Context: RequestContext> {
    let dependencies: WebDependencies

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("agents", use: agents)
    }

    struct Document: Encodable {
        var agents: [Agent]
    }

    struct Agent: Encodable {
        var name: String
        var state: String
        var lastSeen: String
        var version: String
        var destinations: [String]

        enum CodingKeys: String, CodingKey {
            case name, state, version, destinations
            case lastSeen = "last_seen"
        }
    }

    @Sendable func agents(_ request: Request, context: Context) async throws -> Response {
        let records = try await dependencies.reader.read { store throws(StoreError) in try store.agents() }
        return try .json(
            Document(
                agents: records.map {
                    Agent(
                        name: $0.name, state: $0.isDown ? "down" : "up", lastSeen: Timestamp.string($0.lastSeen), version: $0.version,
                        destinations: $0.destinations)
                }))
    }
}
