import Foundation
import Yams

extension EmailChannel: ChannelConfiguration {
    static let kind = "email"
    static let keys = ["to", "from", "smtp_url", "tls", "ca_file", "username", "password_env"]
    static let telltaleKey = "to"
    static let example = """
        to: [ops@example.com]
        from: monitor@example.com
        smtp_url: smtp://mail.example.com:587
        """

    var channel: AlertRoute.Channel { .email(self) }

    static func decode(
        _ node: Node, in document: YAMLDocument, what: String, route: String, at location: SourceLocation,
        with decoder: ConfigDecoder
    ) -> EmailChannel? {
        decoder.decodeEmail(node, in: document, what: what, route: route, at: location)
    }
}

/// What the e-mail channel's YAML reading knows beyond its keys: the words operators write
/// instead, and the shape of an SMTP URL.
enum EmailDecoding {
    /// Keys operators write that the channel reads under another name, with what to write instead.
    static let instead: [String: String] = [
        "password": "write password_env: VARIABLE, the name of an environment variable holding the password; the secret itself never goes in YAML",
        "user": "did you mean \"username\"?",
        "smtp": "did you mean \"smtp_url\"?",
    ]
    /// Words written for `tls:` that mean one of its options.
    static let tlsAliases: [String: String] = [
        "starttls": "did you mean \"required\"? With smtp:// it requires STARTTLS",
        "ssl": "did you mean \"required\"? With smtps:// TLS starts at once",
        "true": "did you mean \"required\"?", "yes": "did you mean \"required\"?", "on": "did you mean \"required\"?",
        "false": "did you mean \"none\"?", "no": "did you mean \"none\"?", "off": "did you mean \"none\"?",
    ]

    /// What is wrong with an `smtp://` / `smtps://` URL, phrased to follow its key, or `nil`.
    static func problem(withSMTPURL text: String) -> String? {
        guard let separator = text.range(of: "://") else {
            return "must start with smtp:// or smtps://; write smtp://\(text)"
        }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            return "must start with smtp:// (STARTTLS, usually port 587) or smtps:// (TLS, usually port 465), found \"\(text)\""
        }
        let authority = text[separator.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") { return "must not hold credentials; use \"username\" and \"password_env\"" }
        var host = authority
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return "has an IPv6 address without its closing \"]\"" }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                port = after.dropFirst()
            } else if !after.isEmpty {
                return "has \"\(after)\" after the address; expected \":PORT\""
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { return "has no host name; write e.g. smtp://mail.example.com:587" }
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.[]:".contains($0)) }) else {
            return "has \"\(host)\", which is not a host name"
        }
        if let port, Int(port).map({ !(1...65_535).contains($0) }) ?? true {
            return "has the port \"\(port)\"; a port is a number from 1 to 65535"
        }
        return nil
    }
}

extension ConfigDecoder {
    /// - Parameter location: where `email:` is written, for problems of the mapping as a whole.
    fileprivate func decodeEmail(_ node: Node, in document: YAMLDocument, what: String, route: String, at location: SourceLocation) -> EmailChannel? {
        guard
            let entries = reader.mapping(
                node, in: document, what: what, allowed: EmailChannel.keys,
                elsewhere: RouteDecoding.hints(inside: EmailChannel.self),
                instead: EmailDecoding.instead)
        else { return nil }
        // Every key present is read even when a required one is missing, so one pass reports all.
        var valid = reader.require(["to", "from", "smtp_url"], in: entries, what: what, at: location)
        var to: [EmailAddress] = []
        if let node = entries["to"] {
            if let list = reader.sequence(node, in: document, what: "email.to of \(route)", example: "[ops@example.com]") {
                if list.isEmpty {
                    reader.error("email.to of \(route) is empty; list at least one address, e.g. [ops@example.com]", at: document.location(of: node))
                    valid = false
                }
                for item in list {
                    if let address = emailAddress(item, in: document, what: "email.to of \(route)") { to.append(address) } else { valid = false }
                }
            } else {
                valid = false
            }
        }
        let from = entries["from"].flatMap { emailAddress($0, in: document, what: "email.from of \(route)") }
        let url = entries["smtp_url"].flatMap { smtpURL($0, in: document, what: "email.smtp_url of \(route)") }
        var tls = TLSPolicy.required
        if let node = entries["tls"] {
            if let chosen = reader.choice(node, in: document, what: "email.tls of \(route)", as: TLSPolicy.self, aliases: EmailDecoding.tlsAliases) {
                tls = chosen
            } else {
                valid = false
            }
            if let url, url.lowercased().hasPrefix("smtps://"), tls == .none {
                reader.error(
                    "email.tls of \(route) is \"none\" but email.smtp_url is smtps:// (TLS from the first byte); use smtp:// for a plain connection",
                    at: document.location(of: node))
                valid = false
            }
        }
        var caFile: String?
        if let node = entries["ca_file"] {
            if let path = reader.string(node, in: document, what: "email.ca_file of \(route)", expected: "the path of a PEM file") {
                caFile = resolve(path, declaredIn: document)
                reader.refer(to: .file(path: caFile!, purpose: "email.ca_file of \(route)", location: document.location(of: node)))
            } else {
                valid = false
            }
        }
        var username: String?
        if let node = entries["username"] {
            username = reader.string(node, in: document, what: "email.username of \(route)")
            if username == nil { valid = false }
        }
        var passwordEnv: String?
        if let node = entries["password_env"] {
            passwordEnv = reader.environmentVariable(
                node, in: document, what: "email.password_env of \(route)", purpose: "the SMTP password of \(route)")
            if passwordEnv == nil { valid = false }
            if !entries.has("username") {
                reader.error("\(what) has password_env but no username; add \"username:\" (SMTP AUTH needs both)", at: document.location(of: node))
                valid = false
            }
        }
        guard valid, let from, let url else { return nil }
        return EmailChannel(to: to, from: from, smtpURL: url, tls: tls, caFile: caFile, username: username, passwordEnv: passwordEnv)
    }

    private func emailAddress(_ node: Node, in document: YAMLDocument, what: String) -> EmailAddress? {
        guard let text = reader.string(node, in: document, what: what, expected: "an e-mail address such as ops@example.com") else { return nil }
        do { return try EmailAddress(parsing: text) } catch {
            reader.error("\(what): \(error.message)", at: document.location(of: node))
            return nil
        }
    }

    private func smtpURL(_ node: Node, in document: YAMLDocument, what: String) -> String? {
        guard let text = reader.string(node, in: document, what: what, expected: "a URL such as smtp://mail.example.com:587") else { return nil }
        if let problem = EmailDecoding.problem(withSMTPURL: text) {
            reader.error("\(what) \(problem)", at: document.location(of: node))
            return nil
        }
        return text
    }
}
