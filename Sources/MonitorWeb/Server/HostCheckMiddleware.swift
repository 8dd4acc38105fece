import Foundation
import Hummingbird
import MonitorCore

/// Refuses requests whose `Host` does not name this daemon (`HostPolicy`, against DNS
/// rebinding) with 421, and state-changing requests sent by a page of another site (an
/// `Origin` that is not an allowed host) with 403. Runs on every route, the unknown ones too.
/// `public_url` is read from the applied settings at each request, so applying a new one
/// takes effect after the next scan without a restart.
struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let listen: ListenAddress
    let settings: AppliedSettings
    let machineName: String?

    init(
        listen: ListenAddress, settings: AppliedSettings,
        machineName: String? = HostCheckMiddleware.machineName()
    ) {
        self.listen = listen
        self.settings = settings
        self.machineName = machineName
    }

    /// This machine's host name as `gethostname` gives it (no DNS lookup).
    static func machineName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let policy = HostPolicy(listen: listen, publicURL: settings.current.publicURL, machineName: machineName)
        // An absolute-form target (`GET http://name/path`) reaches here as its path alone (the
        // HTTP/1 decoding keeps `Host` as the authority), so `Host` is what is checked.
        if let authority = request.head.authority, !policy.allows(authority: authority) {
            throw APIError(
                .misdirectedRequest,
                "this daemon does not answer to the host name \"\(authority)\" (a guard against DNS rebinding): open it by its IP "
                    + "address or localhost, or — behind a reverse proxy or under another name — set settings.public_url to the URL "
                    + "you use and apply (taken up at the next scan)")
        }
        if request.method != .get, request.method != .head, let origin = request.headers[.origin] {
            let host = URLComponents(string: origin)?.host
            guard let host, policy.allows(authority: host.contains(":") ? "[\(host)]" : host) else {
                throw APIError(
                    .forbidden,
                    "cross-site request refused: \(request.method) from the page at \(origin) is not allowed; "
                        + "send it from the dashboard or without an Origin header (curl, scripts)")
            }
        }
        return try await next(request, context)
    }
}
