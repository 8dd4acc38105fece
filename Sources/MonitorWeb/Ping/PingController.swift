import Foundation
import Hummingbird
import MonitorCore
import MonitorStore

/// The ping routes of `source: ping` jobs (SPEC §13), in Healthchecks' protocol so that a
/// producer set up for Healthchecks works once its base URL points here:
/// `GET|POST|HEAD /ping/{key}/{job}` and the suffixes `/start`, `/fail`, `/log`, `/{exit_code}`,
/// with `?rid=UUID`. Answers are Healthchecks' own: `200 OK`, `404 not found` (a wrong key, an
/// unknown job, a job of another source, or no key configured), `400 invalid uuid format`,
/// `400 invalid url format` (an exit code over 255), as text/plain.
///
/// Ping routes take no API token: the ping key, compared in constant time, is their secret.
/// Each request does bounded work: at most ``StateStore/pingBodyLimit`` bytes of its body are
/// held, the ping is stored with those that arrive with it in one short transaction
/// (``PingRecorder``), and the job is handed to ``PingJudge``.
struct PingController<Context: RequestContext> {
    let dependencies: WebDependencies
    let judge: PingJudge
    let recorder: PingRecorder

    func addRoutes(to group: RouterGroup<Context>) {
        for method in [HTTPRequest.Method.get, .post] {
            group.on(":key/:job", method: method, use: ping)
            group.on(":key/:job/:action", method: method, use: ping)
        }
        // Anything else under /ping answers like Healthchecks does for a URL it does not know.
        for method in UnknownAPIRoutes<Context>.methods {
            group.on("", method: method, use: notFound)
            group.on(":key", method: method, use: notFound)
            group.on(":key/:job/:action/**", method: method, use: notFound)
        }
        for method in UnknownAPIRoutes<Context>.methods where method != .get && method != .post {
            group.on(":key/:job", method: method, use: notFound)
            group.on(":key/:job/:action", method: method, use: notFound)
        }
    }

    @Sendable func ping(_ request: Request, context: Context) async throws -> Response {
        guard let variable = dependencies.settings.current.pingKeyEnv, let key = dependencies.environment[variable], !key.isEmpty,
            let presented = context.parameters.get("key"),
            APIAccessMiddleware<Context>.constantTimeEqual(Array(presented.utf8), Array(key.utf8)),
            let job = context.parameters.get("job")
        else { return Self.answer(.notFound, "not found") }
        let kind: PingKind
        var exitCode: Int?
        switch context.parameters.get("action") {
        case nil: kind = .success
        case "start": kind = .start
        case "fail": kind = .fail
        case "log": kind = .log
        case let action? where !action.isEmpty && action.count <= 10 && action.allSatisfy(\.isASCII) && action.allSatisfy(\.isNumber):
            guard let code = Int(action), code <= 255 else { return Self.answer(.badRequest, "invalid url format") }
            exitCode = code
            kind = code == 0 ? .success : .fail
        default:
            return Self.answer(.notFound, "not found")
        }
        var rid: String?
        if let text = request.uri.queryParameters.get("rid") {
            guard let uuid = UUID(uuidString: text) else { return Self.answer(.badRequest, "invalid uuid format") }
            rid = uuid.uuidString.lowercased()
        }
        let limit = StateStore.pingBodyLimit
        let body = PingBody.text(try await PingBody.read(request.body, limit: limit), limit: limit)
        let ping = ReceivedPing(job: job, kind: kind, exitCode: exitCode, rid: rid, receivedAt: dependencies.clock(), body: body)
        let acceptance = try await recorder.record(ping)
        guard case .recorded = acceptance else { return Self.answer(.notFound, "not found") }
        if kind != .log { judge.judge(job) }
        return Self.answer(.ok, "OK")
    }

    @Sendable func notFound(_ request: Request, context: Context) async throws -> Response {
        Self.answer(.notFound, "not found")
    }

    /// Healthchecks tells clients how much of a body it keeps; runitor trims its output to it.
    static var pingBodyLimitHeader: HTTPFields.Element.Name { HTTPFields.Element.Name("Ping-Body-Limit")! }

    /// Healthchecks' answer: a short text, readable by a page of any origin, never cached.
    static func answer(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/plain; charset=utf-8", .accessControlAllowOrigin: "*", .cacheControl: "no-cache",
                Self.pingBodyLimitHeader: "\(StateStore.pingBodyLimit)",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
