import Hummingbird

/// `GET /` and its two assets, embedded in the binary so a copied `monitor` still serves them.
/// The page runs no inline script or style: a strict Content-Security-Policy allows only these
/// files and `fetch` to this origin, so injected markup could not run even if it got in.
/// Images may also be `blob:` URLs: the job history chart is fetched with the API token and
/// shown from a blob, since an `<img src>` request could not carry the Authorization header.
struct DashboardController<Context: RequestContext> {
    static var contentSecurityPolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' blob:; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("/") { _, _ in Self.asset(DashboardPage.html, type: "text/html; charset=utf-8") }
        group.get("dashboard.css") { _, _ in Self.asset(DashboardStyle.css, type: "text/css; charset=utf-8") }
        group.get("dashboard.js") { _, _ in Self.asset(DashboardScript.js, type: "text/javascript; charset=utf-8") }
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .contentSecurityPolicy: contentSecurityPolicy, .xContentTypeOptions: "nosniff",
                HTTPFields.Element.Name("Referrer-Policy")!: "no-referrer", .cacheControl: "no-cache",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
