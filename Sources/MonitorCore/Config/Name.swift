/// Names of jobs, destinations and routes become folder names and URL segments, so they are
/// restricted to `^[a-z0-9][a-z0-9_.-]{0,63}$`.
public enum Name {
    public static let pattern = "^[a-z0-9][a-z0-9_.-]{0,63}$"

    /// Why `text` is not a valid name, or `nil` when it is.
    public static func problem(with text: String) -> String? {
        guard !text.isEmpty else { return "a name cannot be empty" }
        guard text.count <= 64 else { return "is \(text.count) characters long; names have at most 64" }
        let bytes = Array(text.utf8)
        guard isLowerAlphanumeric(bytes[0]) else {
            return "must start with a lowercase letter or a digit"
        }
        if let bad = text.first(where: { c in
            !(c.isASCII && (isLowerAlphanumeric(c.asciiValue!) || c == "_" || c == "." || c == "-"))
        }) {
            return "contains \"\(bad)\"; use lowercase letters, digits, \"_\", \".\" and \"-\""
        }
        if text == "." || text == ".." { return "cannot be \".\" or \"..\"" }
        return nil
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
    }
}

/// Names of environment variables (`*_env` keys): POSIX portable names.
public enum EnvironmentVariableName {
    public static func isValid(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII,
              first == "_" || (first.properties.isAlphabetic) else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }
}
