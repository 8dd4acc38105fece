import Yams

/// libyaml's errors, reworded for operators: where the real mistake is and what to write.
///
/// libyaml reports where it gave up, which is often past the mistake (an unclosed quote is
/// noticed at the end of the file). The common cases are pointed back at their cause; the
/// others keep libyaml's wording and its "while parsing" context.
extension YAMLDocument {
    static func describe(_ error: YamlError, file: String, text: String) -> Diagnostic {
        let lines = text.sourceLines
        func at(_ line: Int, _ column: Int) -> SourceLocation { SourceLocation(file: file, line: max(line, 1), column: max(column, 1)) }
        func at(_ mark: Mark) -> SourceLocation { at(mark.line, mark.column) }
        /// The character at a 1-based line and column (columns count Unicode scalars, as libyaml does).
        func character(at mark: Mark) -> Unicode.Scalar? {
            guard lines.indices.contains(mark.line - 1) else { return nil }
            let scalars = Array(lines[mark.line - 1].unicodeScalars)
            return scalars.indices.contains(mark.column - 1) ? scalars[mark.column - 1] : nil
        }
        func startsItsLine(_ mark: Mark) -> Bool {
            guard lines.indices.contains(mark.line - 1) else { return false }
            return lines[mark.line - 1].unicodeScalars.prefix(mark.column - 1).allSatisfy { $0 == " " }
        }

        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let opened = context.map { "line \($0.mark.line), column \($0.mark.column)" } ?? ""
            if character(at: mark) == "\t" {
                return .error("invalid YAML: a tab character; YAML indents with spaces only", at: at(mark))
            }
            if let context, context.text == "while scanning a quoted scalar" {
                return .error(
                    "invalid YAML: this quoted text is never closed; add the closing quote",
                    at: at(context.mark))
            }
            if let context, problem.hasPrefix("did not find expected ',' or"), context.text.hasPrefix("while parsing a flow") {
                let kind = context.text.hasSuffix("sequence") ? "list" : "mapping"
                let close = context.text.hasSuffix("sequence") ? "]" : "}"
                return .error(
                    "invalid YAML: this \(kind) is never closed with \"\(close)\", or an item lacks the \",\" before it",
                    at: at(context.mark))
            }
            if problem == "did not find expected key", let context, context.text == "while parsing a block mapping" {
                if startsItsLine(mark) {
                    return .error(
                        "invalid YAML: this line is not indented like the keys of the mapping at \(opened); align it with them",
                        at: at(mark))
                }
                let found = character(at: mark).map { "\"\($0)\"" } ?? "text"
                return .error("invalid YAML: unexpected \(found) after the value; remove it or quote the whole value", at: at(mark))
            }
            if problem == "mapping values are not allowed in this context" {
                return .error(
                    "invalid YAML: a \":\" is not allowed here; quote a value that contains \": \", or add the missing \":\" after the key on the line above",
                    at: at(mark))
            }
            if problem == "found undefined alias" {
                return .error("invalid YAML: this alias refers to no anchor (&NAME) defined above it", at: at(mark))
            }
            if problem == "but found another document" {
                return .error(
                    "invalid YAML: a second document starts here; a configuration file holds one document, so split it into files of one folder",
                    at: at(mark))
            }
            let while_ = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return .error("invalid YAML: \(problem)\(while_)", at: at(mark))
        case .reader(let problem, let offset, _, let yaml):
            var line = 1
            var column = 1
            if let offset {
                for byte in yaml.utf8.prefix(offset) {
                    if byte == 0x0A {
                        line += 1
                        column = 1
                    } else if byte & 0xC0 != 0x80 {
                        column += 1
                    }
                }
            }
            return .error("invalid YAML: \(problem)", at: at(line, column))
        case .duplicatedKeysInMapping(let keys, let context):
            let names = keys.map { "\"\($0)\"" }.joined(separator: ", ")
            return .error("\(names) is set more than once in this mapping; keep one", at: at(context.mark))
        default:
            return .error("invalid YAML: \(error)", at: at(1, 1))
        }
    }
}
