import Foundation
import MonitorCore

/// Which `Host` a request may name, against DNS rebinding: a page on `evil.example` whose name
/// is made to resolve to this machine reaches the daemon with `Host: evil.example` (the browser
/// keeps the name it fetched), and would otherwise read the API as if it were on the operator's
/// machine. The rule, in order:
///
/// - no `Host` at all: accepted (not a browser; a rebinding attack always carries the name);
/// - an IP address literal (`127.0.0.1`, `[::1]`, `10.0.0.5`): accepted — a rebinding attack
///   needs a DNS name, and a client that dials an address sends that address;
/// - `localhost`, the host of the listen address (when it is a name) and this machine's host
///   name: accepted;
/// - the host of `settings.public_url`: accepted, so a reverse proxy that forwards the
///   public name works once `public_url` says it;
/// - anything else: refused with 421, whatever the listen address — listening on `0.0.0.0`
///   does not mean "any name", since that is the setup a rebinding page reaches most easily.
///
/// Ports are not compared: the name is what an attacker controls.
struct HostPolicy: Sendable, Equatable {
    var listen: ListenAddress
    var publicURL: String?
    var machineName: String?

    init(listen: ListenAddress, publicURL: String?, machineName: String?) {
        self.listen = listen
        self.publicURL = publicURL
        self.machineName = machineName
    }

    /// Whether `authority` (`name`, `name:port`, `[v6]:port`) names this daemon.
    func allows(authority: String) -> Bool {
        guard let host = Self.host(of: authority) else { return false }
        if Self.isIPLiteral(host) { return true }
        return allowedNames.contains(host)
    }

    /// The host names accepted besides IP literals, lower-cased.
    var allowedNames: Set<String> {
        var names: Set<String> = ["localhost"]
        names.insert(listen.host.lowercased())
        if let machineName, !machineName.isEmpty { names.insert(machineName.lowercased()) }
        if let publicURL, let host = URLComponents(string: publicURL)?.host, !host.isEmpty { names.insert(host.lowercased()) }
        return names
    }

    /// The host part of an authority, lower-cased, without brackets, port or a trailing dot;
    /// `nil` when it is not a plausible authority (empty, user info, stray characters).
    static func host(of authority: String) -> String? {
        var text = Substring(authority.lowercased())
        let host: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isNumber)) else { return nil }
        } else {
            if let colon = text.lastIndex(of: ":") {
                guard text[text.index(after: colon)...].allSatisfy(\.isNumber) else { return nil }
                text = text[..<colon]
            }
            host = text.hasSuffix(".") ? text.dropLast() : text
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_:".contains($0)) }) else { return nil }
        return String(host)
    }

    static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
