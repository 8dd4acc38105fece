/// Names of machines (`destinations.NAME.host`, `settings.default_host`, `--host`): what
/// `hostname` prints, so letters, digits, `.`, `-` and `_`, at most 253 characters (SPEC §12).
public enum HostName {
    public static let maximumLength = 253

    /// Why `text` is not a host name, or `nil` when it is.
    public static func problem(with text: String) -> String? {
        guard !text.isEmpty else { return "a host name cannot be empty" }
        if let bad = text.first(where: { !isAllowed($0) }) {
            let shown = bad == " " ? "a space" : bad == "\t" ? "a tab" : "\"\(bad)\""
            let hint =
                text.contains("://")
                ? "; write the machine's name alone, without a scheme"
                : bad == ":" ? "; write the machine's name alone, without a port" : ""
            return "contains \(shown); use letters, digits, \".\", \"-\" and \"_\"\(hint)"
        }
        guard text.count <= maximumLength else { return "is \(text.count) characters long; host names have at most \(maximumLength)" }
        return nil
    }

    private static func isAllowed(_ character: Character) -> Bool {
        guard let byte = character.asciiValue else { return false }
        return (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte) || "._-".contains(character)
    }
}
