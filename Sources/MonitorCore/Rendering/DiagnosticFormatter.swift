import Foundation

/// Prints diagnostics the way compilers and CI systems read them (SPEC §7 `check`).
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    /// `FILE:LINE:COL: error: MESSAGE`, then the offending line and a caret under the column.
    case text
    /// `[{"file","line","column","severity","message"}]`.
    case json
    /// GitHub Actions workflow commands: `::error file=F,line=L,col=C::MESSAGE`.
    case github
}

public struct DiagnosticFormatter: Sendable {
    /// File path → text, for the offending line in `text` output.
    public var sources: [String: String]

    public init(sources: [String: String]) {
        self.sources = sources
    }

    public func render(_ diagnostics: [Diagnostic], as format: DiagnosticFormat) -> String {
        switch format {
        case .text:
            // Each file is split into lines once per render, not once per diagnostic: a file
            // with a thousand problems must not be split a thousand times.
            var lines: [String: [Substring]] = [:]
            return diagnostics.map { diagnostic in
                text(diagnostic) { file in
                    if let known = lines[file] { return known }
                    let split = sources[file]?.sourceLines ?? []
                    lines[file] = split
                    return split
                }
            }.joined()
        case .json: return json(diagnostics)
        case .github: return diagnostics.map(github).joined()
        }
    }

    /// `2 errors, 1 warning`.
    public static func summary(_ diagnostics: [Diagnostic]) -> String {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "\(count(diagnostics.errors.count, "error")), \(count(diagnostics.warnings.count, "warning"))"
    }

    private func text(_ diagnostic: Diagnostic, lines: (String) -> [Substring]) -> String {
        guard let location = diagnostic.location else {
            return "\(diagnostic.file): \(diagnostic.severity.rawValue): \(diagnostic.message)\n"
        }
        var out = "\(location): \(diagnostic.severity.rawValue): \(diagnostic.message)\n"
        let fileLines = lines(location.file)
        if fileLines.indices.contains(location.line - 1) {
            let line = Self.maskingPasswords(String(fileLines[location.line - 1]))
            // Keep tabs in the margin so the caret lines up in a terminal.
            let margin = line.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
            out += "\(line)\n\(margin)^\n"
        }
        return out
    }

    /// The line with the password of any URL in it (`scheme://user:PASSWORD@`, `?password=`)
    /// replaced by `***`: `check` refuses such a URL in `settings.state`, and its output ends up
    /// in CI logs, so the offending line must not print the secret it is about.
    static func maskingPasswords(_ line: String) -> String {
        guard line.contains("://") || line.localizedCaseInsensitiveContains("password=") else { return line }
        return
            line
            .replacing(/(:\/\/[^\s\/?#:@]*:)[^\s\/?#]*@/) { "\($0.output.1)***@" }
            .replacing(/(?i)([?&]password=)[^&\s#"']*/) { "\($0.output.1)***" }
    }

    private func json(_ diagnostics: [Diagnostic]) -> String {
        struct Row: Encodable {
            let file: String
            let line: Int?
            let column: Int?
            let severity: Severity
            let message: String
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(file, forKey: .file)
                try c.encode(line, forKey: .line)
                try c.encode(column, forKey: .column)
                try c.encode(severity, forKey: .severity)
                try c.encode(message, forKey: .message)
            }
            enum CodingKeys: String, CodingKey { case file, line, column, severity, message }
        }
        let rows = diagnostics.map {
            Row(file: $0.file, line: $0.location?.line, column: $0.location?.column, severity: $0.severity, message: $0.message)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(rows)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private func github(_ diagnostic: Diagnostic) -> String {
        var properties = ["file=\(Self.escapeProperty(diagnostic.file))"]
        if let location = diagnostic.location {
            properties += ["line=\(location.line)", "col=\(location.column)"]
        }
        return "::\(diagnostic.severity.rawValue) \(properties.joined(separator: ","))::\(Self.escapeData(diagnostic.message))\n"
    }

    /// GitHub's escaping for the message part of a workflow command.
    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// GitHub's escaping for property values, which also reserve `:` and `,`.
    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
