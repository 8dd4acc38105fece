import Foundation
import Hummingbird
import MonitorCore
import MonitorStore

/// `GET /api/jobs/{name}/history.svg`: the job's occurrence strip and size chart over the last
/// `ReportModel.defaultDays` days, drawn by the report's own SVG helpers, for the dashboard's
/// job detail. Under `/api`, so the token rule of SPEC §9 applies as to every API route.
struct JobHistoryController<Context: RequestContext> {
    let dependencies: WebDependencies

    /// The image draws nothing from elsewhere and runs nothing, even when opened on its own.
    static var contentSecurityPolicy: String { "default-src 'none'; style-src 'unsafe-inline'" }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("jobs/:name/history.svg", use: history)
    }

    @Sendable func history(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        let now = dependencies.clock()
        let days = ReportModel.defaultDays
        let jobs = try await dependencies.reader.read { store throws(StoreError) in
            try store.reportJobs(now: now, days: days, named: [name])
        }
        guard let job = jobs.first else { throw APIError(.notFound, "no active job named \"\(name)\"") }
        return Response(
            status: .ok,
            headers: [
                .contentType: "image/svg+xml; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: Self.contentSecurityPolicy, .xContentTypeOptions: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: JobHistorySVG.document(job, now: now, days: days))))
    }
}
