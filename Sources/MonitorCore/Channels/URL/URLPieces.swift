import Foundation

/// Where a notification URL cannot be read: a sentence and the character it points at, so that
/// `check` can put the column on the offending character of the YAML value.
public struct NotificationURLProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// 0-based index of the character, in the URL as written.
    public var offset: Int

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { message }
}

/// A notification URL cut along Apprise's grammar, `scheme://[userinfo@]authority[/path...][?query]`,
/// each piece with its offset in the URL so that a service's parser can point at what it refuses.
///
/// Apprise reads `#` as an ordinary character (a Matrix room alias is written `/#room:server`),
/// so there is no fragment here either; the services refuse it where it does not belong.
struct URLPieces {
    /// A piece of the URL, percent-decoded, with where it was written.
    struct Piece: Hashable {
        var text: String
        var offset: Int
        var length: Int

        /// The offset of the character `index` of the piece as written (before decoding).
        func offset(at index: Int) -> Int { offset + min(index, max(0, length - 1)) }
    }

    /// Lowercased, without `://`.
    var scheme: String
    /// Everything between `://` and the first `/` or `?`, as written (not decoded).
    var authority: Piece
    /// Before the last `@` of the authority, split at its first `:`; decoded.
    var user: Piece?
    var password: Piece?
    /// After the last `@` of the authority (the whole authority without one), not decoded.
    var host: Piece
    /// The non-empty segments of the path, decoded.
    var path: [Piece]
    /// `key=value` pairs after `?`, decoded.
    var query: [(key: Piece, value: Piece)]
    /// The whole URL, for the end offset.
    var length: Int

    /// Cuts `text`; the scheme and the characters allowed are checked, the meaning of each piece is
    /// the service's to judge.
    static func cut(_ text: String) throws(NotificationURLProblem) -> URLPieces {
        let characters = Array(text)
        if let bad = characters.firstIndex(where: { $0.isWhitespace || $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }) {
            throw NotificationURLProblem("has a space or a control character, which a URL cannot hold (write %20 for a space)", at: bad)
        }
        guard let separator = text.range(of: "://") else {
            throw NotificationURLProblem("is not a notification URL: it must start with a scheme such as ntfys:// or tgram://", at: 0)
        }
        let scheme = String(text[..<separator.lowerBound])
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) else {
            throw NotificationURLProblem("has \"\(scheme)\" where a scheme such as ntfys:// or tgram:// should be", at: 0)
        }
        var index = scheme.count + 3
        let authorityStart = index
        while index < characters.count, characters[index] != "/", characters[index] != "?" { index += 1 }
        let authorityText = String(characters[authorityStart..<index])
        let authority = Piece(text: authorityText, offset: authorityStart, length: index - authorityStart)
        var user: Piece?
        var password: Piece?
        var host = authority
        if let at = authorityText.lastIndex(of: "@") {
            let atOffset = authorityStart + authorityText.distance(from: authorityText.startIndex, to: at)
            let userinfo = String(authorityText[..<at])
            if let colon = userinfo.firstIndex(of: ":") {
                let colonOffset = authorityStart + userinfo.distance(from: userinfo.startIndex, to: colon)
                user = try decoded(String(userinfo[..<colon]), at: authorityStart)
                password = try decoded(String(userinfo[userinfo.index(after: colon)...]), at: colonOffset + 1)
            } else {
                user = try decoded(userinfo, at: authorityStart)
            }
            host = Piece(text: String(authorityText[authorityText.index(after: at)...]), offset: atOffset + 1, length: index - atOffset - 1)
        }
        var path: [Piece] = []
        var segmentStart = index + 1
        while index < characters.count, characters[index] != "?" {
            index += 1
            if index == characters.count || characters[index] == "/" || characters[index] == "?" {
                if index > segmentStart {
                    path.append(try decoded(String(characters[segmentStart..<index]), at: segmentStart))
                }
                segmentStart = index + 1
            }
        }
        var query: [(key: Piece, value: Piece)] = []
        if index < characters.count {
            var start = index + 1
            while start <= characters.count {
                var end = start
                while end < characters.count, characters[end] != "&" { end += 1 }
                if end > start {
                    let pair = String(characters[start..<end])
                    if let equals = pair.firstIndex(of: "=") {
                        let keyLength = pair.distance(from: pair.startIndex, to: equals)
                        query.append(
                            (
                                try decoded(String(pair[..<equals]), at: start),
                                try decoded(String(pair[pair.index(after: equals)...]), at: start + keyLength + 1)
                            ))
                    } else {
                        query.append((try decoded(pair, at: start), Piece(text: "", offset: end, length: 0)))
                    }
                }
                start = end + 1
            }
        }
        return URLPieces(
            scheme: scheme.lowercased(), authority: authority, user: user, password: password, host: host, path: path, query: query,
            length: characters.count)
    }

    /// `text` percent-decoded; a `%` not followed by two hex digits is refused where it stands.
    private static func decoded(_ text: String, at offset: Int) throws(NotificationURLProblem) -> Piece {
        let characters = Array(text)
        for (index, character) in characters.enumerated() where character == "%" {
            let hex = characters.dropFirst(index + 1).prefix(2)
            guard hex.count == 2, hex.allSatisfy(\.isHexDigit) else {
                throw NotificationURLProblem("has \"%\" without two hexadecimal digits after it (write %25 for a percent sign)", at: offset + index)
            }
        }
        guard let value = text.removingPercentEncoding else {
            throw NotificationURLProblem("has percent-escapes that are not UTF-8 text", at: offset)
        }
        return Piece(text: value, offset: offset, length: characters.count)
    }

    // MARK: - Reading pieces

    /// The host and port of a self-hosted service, e.g. `ntfy.example.com:8080` or `[::1]:80`.
    func hostAndPort(example: String) throws(NotificationURLProblem) -> (host: String, port: Int?) {
        let text = host.text
        guard !text.isEmpty else {
            throw NotificationURLProblem("has no host name after \"\(scheme)://\"; write e.g. \(example)", at: host.offset)
        }
        var name = Substring(text)
        var portText: Substring?
        var portOffset = host.offset
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw NotificationURLProblem("has an IPv6 address without its closing \"]\"", at: host.offset)
            }
            name = text[...close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
                portOffset = host.offset + text.distance(from: text.startIndex, to: close) + 2
            } else if !after.isEmpty {
                throw NotificationURLProblem("has \"\(after)\" after the address; expected \":PORT\"", at: host.offset + name.count)
            }
        } else if let colon = text.lastIndex(of: ":") {
            name = text[..<colon]
            portText = text[text.index(after: colon)...]
            portOffset = host.offset + name.count + 1
        }
        if let bad = name.firstIndex(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "-._[]:".contains($0))) }) {
            throw NotificationURLProblem(
                "has \"\(name)\", which is not a host name (letters, digits, \"-\" and \".\")",
                at: host.offset + name.distance(from: name.startIndex, to: bad))
        }
        guard !name.isEmpty else { throw NotificationURLProblem("has no host name before the port; write e.g. \(example)", at: host.offset) }
        var port: Int?
        if let portText {
            guard let value = Int(portText), (1...65_535).contains(value) else {
                throw NotificationURLProblem("has the port \"\(portText)\"; a port is a number from 1 to 65535", at: portOffset)
            }
            port = value
        }
        return (String(name), port)
    }

    /// Refuses user information in a URL whose service has none.
    func refuseUserinfo(_ reason: String) throws(NotificationURLProblem) {
        if let user { throw NotificationURLProblem(reason, at: user.offset) }
    }

    /// Refuses a path for services whose URL ends with the authority.
    func refusePath(after what: String) throws(NotificationURLProblem) {
        if let extra = path.first {
            throw NotificationURLProblem("has \"\(extra.text)\" after \(what); nothing more is read there", at: extra.offset)
        }
    }

    /// The one path segment the service needs (a topic, a chat), or a located problem; `reason`
    /// says why a second one is refused.
    func onlySegment(_ what: String, example: String, oneOnly reason: String) throws(NotificationURLProblem) -> Piece {
        guard let first = path.first else {
            throw NotificationURLProblem("has no \(what); write e.g. \(example)", at: length)
        }
        if path.count > 1 { throw NotificationURLProblem("has more than one \(what); \(reason)", at: path[1].offset) }
        return first
    }

    /// The query's options, refusing every key not in `allowed` (monitor reads only those).
    func options(allowed: [String], service: String) throws(NotificationURLProblem) -> [String: Piece] {
        var options: [String: Piece] = [:]
        for (key, value) in query {
            let name = key.text.lowercased()
            guard allowed.contains(name) else {
                let known =
                    allowed.isEmpty
                    ? "monitor reads no options in \(service) URLs" : "monitor reads only \(allowed.map { "\($0)=" }.joined(separator: ", "))"
                throw NotificationURLProblem("has the option \"\(key.text)\", which monitor does not support; \(known)", at: key.offset)
            }
            guard options[name] == nil else { throw NotificationURLProblem("has the option \"\(key.text)\" twice", at: key.offset) }
            options[name] = value
        }
        return options
    }
}

extension URLPieces.Piece {
    /// Refuses the piece unless every character is one of `allowed` (ASCII letters and digits are
    /// always allowed), pointing at the first one that is not.
    func require(_ what: String, digitsOnly: Bool = false, extra: String = "", example: String)
        throws(NotificationURLProblem)
    {
        guard !text.isEmpty else { throw NotificationURLProblem("has an empty \(what); write e.g. \(example)", at: offset) }
        for (index, character) in text.enumerated() {
            let ok =
                character.isASCII && ((digitsOnly ? character.isNumber : (character.isLetter || character.isNumber)) || extra.contains(character))
            if !ok {
                throw NotificationURLProblem(
                    "has \"\(character)\" in the \(what), which holds only \(digitsOnly ? "digits" : "letters, digits")\(extra.isEmpty ? "" : " and \(extra.map { "\"\($0)\"" }.joined(separator: " "))")",
                    at: offset(at: index))
            }
        }
    }
}
