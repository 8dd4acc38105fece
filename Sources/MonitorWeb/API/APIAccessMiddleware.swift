import Hummingbird

/// The bearer-token rule of SPEC §9 for `/api/*`. When `settings.api_token_env` names a set,
/// non-empty variable, every request needs `Authorization: Bearer <token>` (401 otherwise);
/// without a token, reading is open and anything that changes state answers 403.
///
/// It is attached to the `api` route group, not matched on the request's text: it runs for
/// exactly the requests that the router dispatched to an `/api` route, whatever spelling of the
/// path got them there (`//api/jobs`, `/api//jobs`, an absolute-form target). Paths under
/// `/api` that match no route reach it through `UnknownAPIRoutes`.
struct APIAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let settings: AppliedSettings
    let environment: [String: String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let variable = settings.current.apiTokenEnv
        if let variable, let token = environment[variable], !token.isEmpty {
            let header = request.headers[.authorization] ?? ""
            let prefix = "Bearer "
            let presented = header.hasPrefix(prefix) ? String(header.dropFirst(prefix.count)) : ""
            guard Self.constantTimeEqual(Array(presented.utf8), Array(token.utf8)) else {
                throw APIError(
                    .unauthorized,
                    header.isEmpty
                        ? "this API needs a token: send \"Authorization: Bearer <token>\" with the value of $\(variable)"
                        : "wrong API token: send \"Authorization: Bearer <token>\" with the value of $\(variable)",
                    headers: [.wwwAuthenticate: "Bearer"])
            }
        } else if request.method != .get, request.method != .head {
            throw APIError(
                .forbidden,
                variable == nil
                    ? "\(request.method) \(request.uri.path) needs an API token: set settings.api_token_env to the name of an environment variable holding one, apply, and restart monitor run with it set"
                    : "\(request.method) \(request.uri.path) needs an API token: $\(variable!) is not set in the daemon's environment")
        }
        return try await next(request, context)
    }

    /// Compares without an early exit, so the time taken does not tell how much of a guess was right.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | (a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
