import Foundation

/// Where a PostgreSQL state lives: `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=…]`. The
/// password never travels in the URL (it would end up in configuration kept in git, in shell
/// history and in logs); it comes from an environment variable.
///
/// In MonitorCore so that `monitor check` refuses the same URLs as the store that opens them.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS or no connection, without checking the server's certificate.
        case require
        /// TLS with the server's certificate checked against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    /// Whether the URL named `sslmode` (the description repeats only what was written).
    var sslModeGiven: Bool

    /// Whether `text` names a PostgreSQL state rather than a file.
    public static func isPostgres(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// The URL again, as given (without a password: one that has one is refused).
    public var description: String {
        "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)" + (sslModeGiven ? "?sslmode=\(sslMode.rawValue)" : "")
    }

    /// Parses a state URL; the error says what is wrong with it in an operator's words.
    public static func parse(_ text: String) -> Result<PostgresLocation, URLError> {
        if isPostgres(text), hasPasswordPart(text) { return .failure(passwordError) }
        guard isPostgres(text), let components = URLComponents(string: text) else {
            return .failure(URLError("it is not a URL of the form postgres://USER@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require|verify-full]"))
        }
        if components.password != nil { return .failure(passwordError) }
        guard let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            return .failure(URLError("it names no user (postgres://USER@HOST/DATABASE)"))
        }
        guard let host = components.host, !host.isEmpty else { return .failure(URLError("it names no host")) }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            return .failure(URLError("it names no database (postgres://USER@HOST/DATABASE)"))
        }
        if let port = components.port, !(1...65535).contains(port) { return .failure(URLError("its port \(port) is out of range")) }
        var sslMode = SSLMode.prefer
        var given = false
        for item in components.queryItems ?? [] {
            // libpq also reads ?password=...: the same secret in the URL, refused the same way.
            if item.name.lowercased() == "password" { return .failure(passwordError) }
            guard item.name == "sslmode" else {
                return .failure(URLError("it has the parameter \"\(item.name)\", and only sslmode is understood"))
            }
            guard let value = item.value, let mode = SSLMode(rawValue: value) else {
                return .failure(
                    URLError(
                        "sslmode=\(item.value ?? "") is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            sslMode = mode
            given = true
        }
        return .success(
            PostgresLocation(
                user: user, host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: components.port ?? 5432,
                database: database.removingPercentEncoding ?? database, sslMode: sslMode, sslModeGiven: given))
    }

    private static let passwordError = URLError(
        "it carries a password; remove it from the URL and put it in the environment variable named by "
            + "settings.state_password_env (PGPASSWORD unless set)")

    /// Whether the part before the host (`USER:PASSWORD@`) has a password, read from the text
    /// itself: one with an unescaped `@` is not a URL Foundation reads, yet still a secret.
    private static func hasPasswordPart(_ text: String) -> Bool {
        guard let start = text.range(of: "://") else { return false }
        let authority = text[start.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return false }
        return authority[..<at].contains(":")
    }

    public struct URLError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
