import Foundation
import Hummingbird
import MonitorCore
import MonitorRuntime
import MonitorStore

/// `/api/jobs`, `/api/jobs/{name}`, `/api/jobs/{name}/occurrences`, `/api/revisions` and
/// `POST /api/scan` (SPEC §9), in the shapes of `monitor status --format json` (SPEC §8).
struct JobsController<Context: ConnectionRequestContext> {
    let dependencies: WebDependencies
    /// Largest `limit` accepted, so one request cannot ask for a job's whole history.
    static var maximumLimit: Int { 1_000 }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("jobs", use: list)
        group.get("jobs/:name", use: job)
        group.get("jobs/:name/occurrences", use: occurrences)
        group.get("revisions", use: revisions)
        group.post("scan", use: scan)
    }

    /// The cached document, filtered by `?status=&label=&q=` (``JobsFilter``), gzipped when the
    /// client takes it, and `304 Not Modified` when its `If-None-Match` names the answer's tag.
    /// The tag stays the same until a scan or an apply changes the jobs (or the clock does:
    /// a window closes, a next occurrence starts).
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let filter = try JobsFilter(query: request.uri.query)
        let document = try await dependencies.jobsCache.current(from: dependencies.jobsSource)
        let answer = document.content.representation(filter, gzip: ConditionalRequest.acceptsGzip(request.headers))
        var headers: HTTPFields = [.cacheControl: "no-store", .eTag: answer.etag, .vary: "Accept-Encoding"]
        if ConditionalRequest.noneMatchHits(request.headers, etag: answer.etag) {
            // No body; the HTTP/1 encoder sends no Content-Length with a 304 either.
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/json; charset=utf-8"
        if answer.gzipped { headers[.contentEncoding] = "gzip" }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: answer.body))
    }

    @Sendable func job(_ request: Request, context: Context) async throws -> Response {
        try .json(try await oneJob(request, context: context, defaultLimit: 50))
    }

    @Sendable func occurrences(_ request: Request, context: Context) async throws -> Response {
        let view = try await oneJob(request, context: context, defaultLimit: 100)
        return try .json(JobOccurrences(job: view.name, occurrences: view.occurrences ?? []))
    }

    @Sendable func revisions(_ request: Request, context: Context) async throws -> Response {
        let limit = try Self.limit(request, default: 100)
        let revisions = try await dependencies.reader.read { store throws(StoreError) in try store.revisions(limit: limit) }
        return try .json(["revisions": revisions])
    }

    /// Waits for the scan (`ScanCoordinator`), but stops waiting when the client disconnects,
    /// so a client that gave up does not leave a queued scan behind for nobody.
    @Sendable func scan(_ request: Request, context: Context) async throws -> Response {
        let scans = dependencies.scans
        let waiting = Task { try await scans.scan() }
        context.channel.closeFuture.whenComplete { _ in waiting.cancel() }
        do {
            let summary = try await withTaskCancellationHandler {
                try await waiting.value
            } onCancel: {
                waiting.cancel()
            }
            return try .json(summary)
        } catch let error as StoreError {
            throw APIError(.internalServerError, "the scan failed: \(error.description)")
        } catch is CancellationError {
            throw APIError(.serviceUnavailable, "the scan was not waited for: the client went away or the daemon is stopping")
        }
    }

    private func oneJob(_ request: Request, context: Context, defaultLimit: Int) async throws -> JobView {
        let name = try context.parameters.require("name")
        let limit = try Self.limit(request, default: defaultLimit)
        let now = dependencies.clock()
        let views = try await dependencies.reader.read { store throws(StoreError) in
            try store.jobViews(now: now, named: [name], occurrenceLimit: limit)
        }
        guard let view = views.first else { throw APIError(.notFound, "no active job named \"\(name)\"") }
        return view
    }

    /// `?limit=N`: a whole number from 1 to `maximumLimit`; anything else is a 400.
    static func limit(_ request: Request, default value: Int, maximum: Int = maximumLimit) throws(APIError) -> Int {
        guard let text = request.uri.queryParameters["limit"] else { return value }
        guard let limit = Int(text), (1...maximum).contains(limit) else {
            throw APIError(.badRequest, "limit must be a whole number from 1 to \(maximum), not \"\(text)\"")
        }
        return limit
    }
}

/// `{"job":NAME,"occurrences":[...]}`, newest first.
struct JobOccurrences: Encodable {
    var job: String
    var occurrences: [OccurrenceView]
}
