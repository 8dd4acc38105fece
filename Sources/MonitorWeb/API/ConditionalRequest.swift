import Hummingbird

/// The two request headers a cached document is answered by: `If-None-Match` (RFC 9110
/// §13.1.2) and `Accept-Encoding` (§12.5.3).
enum ConditionalRequest {
    /// Whether `If-None-Match` names `etag` — or is `*` — so that a `GET` or `HEAD` is answered
    /// 304. Tags are compared weakly (`W/"x"` matches `"x"`), as the RFC asks for this header;
    /// several tags may be given, in one field or several.
    static func noneMatchHits(_ headers: HTTPFields, etag: String) -> Bool {
        let wanted = opaqueTag(etag[...])
        for field in headers[values: .ifNoneMatch] {
            if field.trimmingCharacters(in: .whitespaces) == "*" { return true }
            if entityTags(field).contains(where: { $0 == wanted }) { return true }
        }
        return false
    }

    /// The opaque tags of a list such as `W/"a", "b,c"` (a comma may sit inside quotes).
    static func entityTags(_ field: String) -> [Substring] {
        var tags: [Substring] = []
        var rest = field[...]
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            if rest.hasPrefix("W/") { rest = rest.dropFirst(2) }
            guard rest.first == "\"" else {
                // Not a tag: skip to the next comma.
                rest = rest.drop { $0 != "," }
                continue
            }
            let body = rest.dropFirst()
            guard let close = body.firstIndex(of: "\"") else { break }
            tags.append(body[..<close])
            rest = body[body.index(after: close)...]
        }
        return tags
    }

    private static func opaqueTag(_ etag: Substring) -> Substring {
        var tag = etag
        if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
        if tag.hasPrefix("\""), tag.hasSuffix("\""), tag.count >= 2 { tag = tag.dropFirst().dropLast() }
        return tag
    }

    /// Whether `Accept-Encoding` takes gzip: `gzip` (or `x-gzip`) with a weight above 0, or `*`
    /// above 0 when gzip is not named. No header means no preference: the answer is sent as is.
    static func acceptsGzip(_ headers: HTTPFields) -> Bool {
        var gzip: Double?
        var any: Double?
        for field in headers[values: .acceptEncoding] {
            for item in field.split(separator: ",") {
                let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let coding = parts.first, !coding.isEmpty else { continue }
                var weight = 1.0
                for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                    weight = Double(parameter.dropFirst(2)) ?? 0
                }
                switch coding {
                case "gzip", "x-gzip": gzip = max(gzip ?? 0, weight)
                case "*": any = max(any ?? 0, weight)
                default: break
                }
            }
        }
        if let gzip { return gzip > 0 }
        return (any ?? 0) > 0
    }
}
