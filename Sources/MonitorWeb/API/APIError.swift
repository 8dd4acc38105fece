import Foundation
import Hummingbird

/// Every error the daemon answers: `{"error":"MESSAGE"}` with a status, never an HTML page.
/// Messages say what to do next and never carry a secret.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    func response() -> Response {
        var response = Response.json(bytes: Array((try? JSONEncoder.api.encode(["error": message])) ?? Data()), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension Response {
    /// A JSON answer from already encoded bytes.
    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        json(body: ByteBuffer(bytes: bytes), status: status)
    }

    static func json(body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: body))
    }

    /// A JSON answer encoded with `JSONEncoder.api`, the encoder of `monitor status --format json`.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        json(bytes: Array(try JSONEncoder.api.encode(value)), status: status)
    }
}
