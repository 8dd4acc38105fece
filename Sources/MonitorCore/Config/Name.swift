import Foundation

/// Names of jobs, destinations and routes become folder names and URL segments, so they are
/// restricted to `^[a-z0-9][a-z0-9_.-]{0,63}$`.
public enum Name {
    public static let pattern = "^[a-z0-9][a-z0-9_.-]{0,63}$"
    public static let maximumLength = 64

    /// Why `text` is not a valid name, or `nil` when it is.
    public static func problem(with text: String) -> String? {
        guard let first = text.first else { return "a name cannot be empty" }
        if text.contains(where: { $0.isASCII && $0.isUppercase }) { return "upper-case letters are not allowed" }
        if let bad = text.first(where: { !isAllowed($0) }) {
            let shown = bad == " " ? "a space" : bad == "\t" ? "a tab" : "\"\(bad)\""
            return "contains \(shown); use lowercase letters, digits, \"_\", \".\" and \"-\""
        }
        guard first.isASCII, first.isLetter || first.isNumber else { return "must start with a lowercase letter or a digit" }
        guard text.count <= maximumLength else { return "is \(text.count) characters long; names have at most \(maximumLength)" }
        return nil
    }

    /// A valid name close to `text` (`Postgres Prod` → `postgres-prod`), or `nil` when none is obvious.
    public static func suggestion(for text: String) -> String? {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var name = ""
        for character in folded {
            let keep = isAllowed(character) ? character : "-"
            if keep == "-", name.last == "-" { continue }
            name.append(keep)
        }
        name = String(name.drop { !($0.isLetter || $0.isNumber) }.prefix(maximumLength))
        while let last = name.last, last == "-" || last == "." || last == "_" { name.removeLast() }
        return name != text && problem(with: name) == nil ? name : nil
    }

    private static func isAllowed(_ character: Character) -> Bool {
        guard character.isASCII, let byte = character.asciiValue else { return false }
        return (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || character == "_" || character == "." || character == "-"
    }
}

/// Names of environment variables (`*_env` keys): POSIX portable names.
public enum EnvironmentVariableName {
    public static func isValid(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII,
            first == "_" || (first.properties.isAlphabetic)
        else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }
}
