import Hummingbird
import Logging

/// Turns every error, including Hummingbird's own (unknown route, wrong method), into a JSON
/// answer. Unexpected errors are logged and answered with a generic message, so nothing
/// internal — paths of secrets, stack details — reaches a client.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as HTTPError {
            let message = error.body ?? Self.message(for: error.status, request: request)
            return APIError(error.status, message, headers: error.headers).response()
        } catch let error as any HTTPResponseError {
            return APIError(error.status, Self.message(for: error.status, request: request)).response()
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIError(.internalServerError, "internal error; the daemon's log has the details").response()
        }
    }

    static func message(for status: HTTPResponse.Status, request: Request) -> String {
        switch status {
        case .notFound: "no such route: \(request.method) \(request.uri.path)"
        case .methodNotAllowed: "\(request.method) is not allowed on \(request.uri.path)"
        default: status.reasonPhrase
        }
    }
}
