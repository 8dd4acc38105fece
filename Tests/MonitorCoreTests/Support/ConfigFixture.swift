import Foundation
import MonitorCore

/// One configuration fixture under `Fixtures/`: a file (`valid/x.yaml`, `invalid/x.yaml`) or a
/// folder of files merged as one configuration (`valid-dirs/x/`, `invalid-dirs/x/`).
///
/// Every diagnostic a fixture must produce is written in the fixture itself, Terraform-style:
/// - on the offending line, a trailing comment `# ERROR@<column>: <exact message>` (or
///   `# WARNING@<column>: ...`); several may follow each other on one line;
/// - when the line cannot hold a comment (inside a quoted scalar, a file with no line), a
///   directive on a line of its own: `# EXPECT <line>:<column> error: <exact message>`.
struct ConfigFixture: Sendable, CustomStringConvertible {
    enum Kind: String, Sendable, CaseIterable {
        case valid, invalid
    }

    /// Path relative to the `Fixtures` folder, which is also the working directory of the load,
    /// so that diagnostics name files exactly as written here.
    let path: String
    let kind: Kind

    var description: String { path }

    /// The `Fixtures` folder inside the test bundle.
    static let root: URL = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("the test bundle has no Fixtures folder; Package.swift copies it with resources: [.copy(\"Fixtures\")]")
        }
        return url
    }()

    /// Every configuration fixture, valid and invalid, in a stable order.
    static let all: [ConfigFixture] = Kind.allCases.flatMap { kind in
        files(in: kind.rawValue).map { ConfigFixture(path: "\(kind.rawValue)/\($0)", kind: kind) }
            + folders(in: "\(kind.rawValue)-dirs").map { ConfigFixture(path: "\(kind.rawValue)-dirs/\($0)", kind: kind) }
    }

    static func fixtures(_ kind: Kind) -> [ConfigFixture] { all.filter { $0.kind == kind } }

    /// The YAML files this fixture is made of, relative to `root`.
    var files: [String] {
        guard Self.isDirectory(path) else { return [path] }
        return Self.files(in: path).map { "\(path)/\($0)" }
    }

    /// The diagnostics the fixture declares, from its comments.
    func expectedDiagnostics() throws -> [ExpectedDiagnostic] {
        try files.flatMap { file in
            let text = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
            return try ExpectedDiagnostic.parse(text, file: file)
        }
    }

    private static func files(in folder: String) -> [String] {
        entries(in: folder).filter { name in
            (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) && !isDirectory("\(folder)/\(name)")
        }
    }

    private static func folders(in folder: String) -> [String] {
        entries(in: folder).filter { isDirectory("\(folder)/\($0)") }
    }

    private static func entries(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
}

/// A diagnostic as a fixture spells it; compared field by field with what the loader reports.
struct ExpectedDiagnostic: Hashable, Comparable, CustomStringConvertible, Sendable {
    var file: String
    var line: Int?
    var column: Int?
    var severity: Severity
    var message: String

    init(file: String, line: Int?, column: Int?, severity: Severity, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    init(_ diagnostic: Diagnostic) {
        self.init(
            file: diagnostic.file, line: diagnostic.location?.line, column: diagnostic.location?.column,
            severity: diagnostic.severity, message: diagnostic.message)
    }

    var description: String {
        "\(file):\(line.map(String.init) ?? "-"):\(column.map(String.init) ?? "-"): \(severity.rawValue): \(message)"
    }

    static func < (lhs: ExpectedDiagnostic, rhs: ExpectedDiagnostic) -> Bool { lhs.description < rhs.description }

    struct MalformedAnnotation: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String, file: String) throws -> [ExpectedDiagnostic] {
        // `# ERROR@12: message`, possibly followed on the same line by another annotation.
        let trailing = /#\s*(ERROR|WARNING)@(\d+):\s(.*?)(?=\s+#\s*(?:ERROR|WARNING)@\d+:|\s*$)/
        // `# EXPECT 3:1 error: message`, alone on its line.
        let directive = /^\s*#\s*EXPECT\s+(\d+):(\d+)\s+(error|warning):\s(.*?)\s*$/
        var expected: [ExpectedDiagnostic] = []
        // "\r\n" is one Character in Swift: split on it too, as YAML does, for CRLF fixtures.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (index, rawLine) in lines.enumerated() {
            let line = String(rawLine)
            if let match = line.wholeMatch(of: directive) {
                expected.append(
                    ExpectedDiagnostic(
                        file: file, line: Int(match.1)!, column: Int(match.2)!,
                        severity: match.3 == "error" ? .error : .warning, message: String(match.4)))
                continue
            }
            if line.contains("EXPECT") && line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                throw MalformedAnnotation(description: "\(file):\(index + 1): malformed EXPECT directive: \(line)")
            }
            let matches = line.matches(of: trailing)
            for match in matches {
                expected.append(
                    ExpectedDiagnostic(
                        file: file, line: index + 1, column: Int(match.2)!,
                        severity: match.1 == "ERROR" ? .error : .warning, message: String(match.3)))
            }
            let markers = line.matches(of: /#\s*(ERROR|WARNING)\b/).count
            if markers != matches.count {
                throw MalformedAnnotation(description: "\(file):\(index + 1): an ERROR/WARNING comment lacks @COLUMN: or a message: \(line)")
            }
        }
        return expected
    }
}
