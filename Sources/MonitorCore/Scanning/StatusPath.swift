/// The rules for a `path` listed in a status file (SPEC §3), shared by the decoder and by
/// `monitor seal`, so that seal never writes a path the scanner would refuse.
///
/// Paths are refused rather than rewritten: `./dump.sql` or `a//b` are not silently turned into
/// `dump.sql` and `a/b`, because the path in the status file, the path in the ledger and the
/// path in `versions/<id>/` must all be the same string. The message says what to write instead.
public enum StatusPath {
    /// The status file's own name, which cannot be listed (at the top of `staging/`).
    public static let statusFileName = "STATUS.json"
    /// Linux `PATH_MAX` (4096, including the final NUL) and `NAME_MAX`.
    public static let maximumBytes = 4_095
    public static let maximumSegmentBytes = 255

    /// Why `path` cannot be listed, as the end of a sentence that starts with the quoted path
    /// (`is absolute; paths are relative to staging/`), or `nil` when it is a good path.
    public static func problem(with path: String) -> String? {
        if path.isEmpty { return "is empty" }
        if path.unicodeScalars.contains("\0") { return "contains a NUL character" }
        if path.unicodeScalars.contains(where: SafeText.isUnsafe) {
            return "contains a control or text-direction character, which monitor does not accept in file names"
        }
        if path.hasPrefix("/") { return "is absolute; paths are relative to staging/" }
        if path.utf8.count > maximumBytes { return "is longer than \(maximumBytes) bytes" }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        if segments.contains("..") { return "has a \"..\" segment; paths must stay inside staging/" }
        let clean = segments.filter { !$0.isEmpty && $0 != "." }.joined(separator: "/")
        let instead = clean.isEmpty ? "" : "; write \(SafeText.quoted(clean))"
        if segments.contains(".") { return "has a \".\" segment\(instead)" }
        if segments.contains("") { return "has an empty segment (\"//\" or a trailing \"/\")\(instead)" }
        if segments.contains(where: { $0.utf8.count > maximumSegmentBytes }) {
            return "has a name longer than \(maximumSegmentBytes) bytes"
        }
        if path == statusFileName { return "is the status file itself" }
        return nil
    }
}
