import Foundation
import Yams

/// One YAML file composed into a node tree whose nodes keep their line and column.
///
/// libyaml (through Yams) refuses a mapping with a repeated key and stops there. A configuration
/// checker must instead report every repeat, pointing at both places, and go on checking the
/// rest, so repeated keys of block mappings are renamed in a copy of the text to same-length
/// placeholders (marks stay exact) and remembered in `repeatedKeys`.
struct YAMLDocument {
    let file: String
    let text: String
    /// The root node; `nil` for an empty document.
    let root: Node?
    /// Placeholder key → the key as written and where it was first declared in its mapping.
    let repeatedKeys: [String: RepeatedKey]

    struct RepeatedKey {
        let key: String
        let firstLocation: SourceLocation
    }

    enum ComposeError: Error {
        /// A YAML syntax error with its position and libyaml's own wording.
        case syntax(message: String, location: SourceLocation)
    }

    init(file: String, text: String) throws(ComposeError) {
        self.file = file
        self.text = text
        var working = text
        var repeated: [String: RepeatedKey] = [:]
        // Each round renames the repeats of one mapping; bounded so a pathological file cannot spin.
        for _ in 0..<1_000 {
            do {
                self.root = try Yams.compose(yaml: working)
                self.repeatedKeys = repeated
                return
            } catch let error as YamlError {
                if case .duplicatedKeysInMapping(let keys, let context) = error,
                   let renamed = Self.renameRepeats(of: keys, near: context.mark, in: working, file: file, placeholderBase: repeated.count) {
                    working = renamed.text
                    repeated.merge(renamed.repeats) { first, _ in first }
                    continue
                }
                throw Self.describe(error, file: file)
            } catch {
                throw .syntax(message: "cannot parse YAML: \(error)", location: SourceLocation(file: file, line: 1, column: 1))
            }
        }
        throw .syntax(message: "too many repeated keys", location: SourceLocation(file: file, line: 1, column: 1))
    }

    func location(of node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func describe(_ error: YamlError, file: String) -> ComposeError {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: max(mark.line, 1), column: max(mark.column, 1)) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let while_ = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return .syntax(message: "invalid YAML: \(problem)\(while_)", location: at(mark))
        case .reader(let problem, let offset, _, let yaml):
            var line = 1, column = 1
            if let offset {
                for byte in yaml.utf8.prefix(offset) {
                    if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
                }
            }
            return .syntax(message: "invalid YAML: \(problem)", location: SourceLocation(file: file, line: line, column: column))
        case .duplicatedKeysInMapping(let keys, let context):
            return .syntax(message: "key \(keys.map { "\"\($0)\"" }.joined(separator: ", ")) appears more than once in this mapping", location: at(context.mark))
        default:
            return .syntax(message: "invalid YAML: \(error)", location: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// Finds the block mapping that holds the key at `mark`, renames every later repeat of
    /// `keys` in it and returns the new text; `nil` when the layout is not a plain block mapping.
    private static func renameRepeats(of keys: [String], near mark: Mark, in text: String, file: String, placeholderBase: Int)
        -> (text: String, repeats: [String: RepeatedKey])?
    {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let markLine = mark.line - 1
        guard lines.indices.contains(markLine) else { return nil }
        let keyColumn = mark.column - 1
        // The mapping's lines: around the mark, up to the first line indented less than its keys.
        func indentation(_ line: String) -> Int? {
            let trimmed = line.drop { $0 == " " || $0 == "-" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
            return line.count - trimmed.count
        }
        var start = markLine
        while start > 0, indentation(lines[start - 1]).map({ $0 >= keyColumn }) ?? true { start -= 1 }
        var end = markLine
        while end + 1 < lines.count, indentation(lines[end + 1]).map({ $0 >= keyColumn }) ?? true { end += 1 }

        var repeats: [String: RepeatedKey] = [:]
        var counter = placeholderBase
        for key in keys {
            var first: SourceLocation?
            for index in start...end {
                let line = lines[index]
                guard line.count > keyColumn else { continue }
                let head = line.prefix(keyColumn)
                // The key starts exactly at the mapping's column, after spaces or a list dash.
                guard head.allSatisfy({ $0 == " " || $0 == "-" }) else { continue }
                let rest = line.dropFirst(keyColumn)
                guard let written = [key, "\"\(key)\"", "'\(key)'"].first(where: { candidate in
                    rest.hasPrefix(candidate) && rest.dropFirst(candidate.count).drop(while: { $0 == " " }).hasPrefix(":")
                }) else { continue }
                let location = SourceLocation(file: file, line: index + 1, column: keyColumn + 1)
                guard let firstLocation = first else { first = location; continue }
                counter += 1
                let placeholder = Self.placeholder(number: counter, length: written.count)
                repeats[placeholder] = RepeatedKey(key: key, firstLocation: firstLocation)
                lines[index] = String(head) + placeholder + rest.dropFirst(written.count)
            }
        }
        return repeats.isEmpty ? nil : (lines.joined(separator: "\n"), repeats)
    }

    /// A plain scalar of `length` characters from the Unicode private-use area, unique per number.
    private static func placeholder(number: Int, length: Int) -> String {
        let scalar = Unicode.Scalar(0xE000 + UInt32(number % 6_000))!
        return String(repeating: Character(scalar), count: max(length, 1))
    }
}
