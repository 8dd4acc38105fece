import Foundation

/// One entry of `monitor check --format json` (SPEC §7: `{file,line,column,severity,message}`).
struct ReportedDiagnostic: Decodable, Hashable, Sendable, CustomStringConvertible {
    let file: String
    let line: Int?
    let column: Int?
    let severity: String
    let message: String

    var description: String { "\(file):\(line.map(String.init) ?? "-"):\(column.map(String.init) ?? "-"): \(severity): \(message)" }

    static func decode(_ json: String) throws -> [ReportedDiagnostic] {
        try JSONDecoder().decode([ReportedDiagnostic].self, from: Data(json.utf8))
    }
}

/// An error a fixture declares on its offending line as a trailing comment
/// `# ERROR@<column>: <part of the message>` (several may follow each other on one line).
struct DeclaredError: Hashable, Sendable, CustomStringConvertible {
    let line: Int
    let column: Int
    /// Text the reported message must contain.
    let phrase: String

    var description: String { "\(line):\(column): error: …\(phrase)…" }

    func matches(_ diagnostic: ReportedDiagnostic) -> Bool {
        diagnostic.severity == "error" && diagnostic.line == line && diagnostic.column == column && diagnostic.message.contains(phrase)
    }

    static func all(in text: String) -> [DeclaredError] {
        var declared: [DeclaredError] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for marker in line.components(separatedBy: "# ERROR@").dropFirst() {
                guard let colon = marker.firstIndex(of: ":"), let column = Int(marker[..<colon]) else { continue }
                let phrase = marker[marker.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                declared.append(DeclaredError(line: index + 1, column: column, phrase: phrase))
            }
        }
        return declared
    }
}
