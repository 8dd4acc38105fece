import Hummingbird
import MonitorCore
import MonitorStore

/// `GET /metrics`: the Prometheus text exposition format.
struct MetricsController<Context: RequestContext> {
    let dependencies: WebDependencies

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, context: Context) async throws -> Response {
        let now = dependencies.clock()
        let (views, agents) = try await dependencies.reader.read { store throws(StoreError) in
            (try store.jobViews(now: now), try store.agents())
        }
        let text = dependencies.metrics.render(jobs: views, agents: agents)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
    }
}
