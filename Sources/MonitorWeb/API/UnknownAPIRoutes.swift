import Hummingbird

/// `/api` and every path under it that no other API route takes: 404. Registered on the `api`
/// group after the real routes (the router tries constant segments first), so an unknown API
/// path passes the token rule like a known one and an unauthenticated client cannot tell
/// which API paths exist.
struct UnknownAPIRoutes<Context: RequestContext> {
    static var methods: [HTTPRequest.Method] { [.get, .post, .put, .patch, .delete, .options] }

    func addRoutes(to group: RouterGroup<Context>) {
        for method in Self.methods {
            group.on("", method: method, use: notFound)
            group.on("**", method: method, use: notFound)
        }
    }

    @Sendable func notFound(_ request: Request, context: Context) async throws -> Response {
        throw APIError(.notFound, "no such route: \(request.method) \(request.uri.path)")
    }
}
