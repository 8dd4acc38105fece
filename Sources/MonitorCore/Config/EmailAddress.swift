import Foundation

/// E-mail addresses: `local@domain` (RFC 5321 mailbox), optionally with a display name as in
/// `Backup Monitor <monitor@example.com>`.
public struct EmailAddress: Sendable, Hashable, TextCodable {
    /// `local@domain`, what goes into the SMTP envelope.
    public let address: String
    /// The display name, when one was given.
    public let displayName: String?

    public init(parsing text: String) throws(EmailAddressParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            if let problem = Self.problem(withMailbox: inner) { throw .init("malformed e-mail address \"\(text)\": \(problem)") }
            if name.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" || $0 == "\"" }) {
                throw .init("malformed e-mail address \"\(text)\": the display name cannot contain quotes, angle brackets or line breaks")
            }
            address = inner
            displayName = name.isEmpty ? nil : name
        } else {
            if trimmed.contains("<") || trimmed.contains(">") {
                throw .init("malformed e-mail address \"\(text)\": write Name <local@domain>, with the address between \"<\" and \">\" at the end")
            }
            if let problem = Self.problem(withMailbox: trimmed) { throw .init("malformed e-mail address \"\(text)\": \(problem)") }
            address = trimmed
            displayName = nil
        }
    }

    public var description: String {
        displayName.map { "\($0) <\(address)>" } ?? address
    }

    private static let localCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-.")

    static func problem(withMailbox text: String) -> String? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            return parts.count < 2 ? "expected local-part@domain, e.g. ops@example.com" : "more than one \"@\""
        }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty else { return "nothing before \"@\"" }
        guard local.count <= 64 else { return "the part before \"@\" is longer than 64 characters" }
        guard local.allSatisfy(localCharacters.contains) else { return "the part before \"@\" has a character that is not allowed" }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            return "dots cannot start, end or repeat in the part before \"@\""
        }
        guard !domain.isEmpty else { return "nothing after \"@\"" }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty, label.count <= 63,
                label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
                !label.hasPrefix("-"), !label.hasSuffix("-")
            else { return "\"\(domain)\" is not a valid domain name" }
        }
        return nil
    }
}

public struct EmailAddressParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
