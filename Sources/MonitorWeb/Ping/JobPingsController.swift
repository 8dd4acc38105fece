import Foundation
import Hummingbird
import MonitorCore
import MonitorStore

/// `GET /api/jobs/{name}/pings`: the job's latest pings, newest first, `/log` messages included
/// (they are never runs, so this is where they show). Under `/api`: the token rule applies.
struct JobPingsController<Context: RequestContext> {
    let dependencies: WebDependencies

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("jobs/:name/pings", use: pings)
    }

    /// `{"job": NAME, "pings": [{"received_at","kind","exit_code","rid","body","started_at"}]}`.
    struct Document: Encodable {
        var job: String
        var pings: [Ping]
    }

    struct Ping: Encodable {
        var ping: StoredPing

        enum CodingKeys: String, CodingKey {
            case receivedAt = "received_at"
            case kind
            case exitCode = "exit_code"
            case rid, body
            case startedAt = "started_at"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(Timestamp.string(ping.receivedAt), forKey: .receivedAt)
            try c.encode(ping.kind.rawValue, forKey: .kind)
            try c.encode(ping.exitCode, forKey: .exitCode)
            try c.encode(ping.rid, forKey: .rid)
            try c.encode(ping.body, forKey: .body)
            try c.encode(ping.startedAt.map(Timestamp.string), forKey: .startedAt)
        }
    }

    @Sendable func pings(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        let limit = try JobsController<MonitorRequestContext>.limit(request, default: 50, maximum: StateStore.keptProcessedPings)
        let pings = try await dependencies.reader.read { store throws(StoreError) -> [StoredPing]? in
            guard !(try store.activeJobs(named: [name])).isEmpty else { return nil }
            return try store.recentPings(job: name, limit: limit)
        }
        guard let pings else { throw APIError(.notFound, "no active job named \"\(name)\"") }
        return try .json(Document(job: name, pings: pings.map(Ping.init)))
    }
}
