import Crypto
import Foundation
import MonitorCore

/// Matrix's client-server API: `PUT /_matrix/client/v3/rooms/ROOM/send/m.room.message/TXN` with
/// the access token as a bearer token, a plain `body` and an HTML `formatted_body`. An alias
/// (`#room:server`) is first resolved to the room's id (`GET /directory/room/ALIAS`).
///
/// The transaction id is derived from the notification itself, so a retry after a lost answer
/// is recognised by the homeserver and posted once.
struct MatrixSender: ServiceSender {
    let url: MatrixURL

    func send(_ alert: Alert, through delivery: URLDelivery) throws(DeliveryError) {
        let origin = delivery.origin(url.origin)
        var room = url.room
        if room.hasPrefix("#") {
            let answer = try delivery.send(
                ServiceRequest(method: .get, url: "\(origin)/_matrix/client/v3/directory/room/\(Self.segment(room))", headers: [], body: []))
            guard let id = answer.json?["room_id"] as? String, id.hasPrefix("!") else {
                throw DeliveryError("Matrix did not give the room id of \(room) (no room_id in its answer)", retryable: true)
            }
            room = id
        }
        try delivery.send(request(alert, routeName: delivery.routeName, origin: origin, roomID: room))
    }

    func request(_ alert: Alert, routeName: String, origin: String, roomID: String) -> ServiceRequest {
        let message = ChatMessage(alert, routeName: routeName)
        let body = RoomMessage(
            msgtype: "m.text", body: message.title + "\n" + message.plainBody, format: "org.matrix.custom.html",
            formattedBody: message.html(lineBreak: "<br>"))
        return .json(
            .put, "\(origin)/_matrix/client/v3/rooms/\(Self.segment(roomID))/send/m.room.message/\(Self.transactionID(alert, routeName: routeName))",
            body, headers: ["Authorization: Bearer \(url.accessToken)"])
    }

    /// The same for every attempt of one notification, different for any other.
    static func transactionID(_ alert: Alert, routeName: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let bytes = (try? encoder.encode(alert)) ?? Data()
        let digest = SHA256.hash(data: Data(routeName.utf8) + [0] + bytes)
        return "monitor-" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// A path segment: everything but unreserved characters percent-encoded (`!`, `#`, `:` included).
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    struct RoomMessage: Encodable {
        var msgtype: String
        var body: String
        var format: String
        var formattedBody: String

        enum CodingKeys: String, CodingKey {
            case msgtype, body, format
            case formattedBody = "formatted_body"
        }
    }
}
