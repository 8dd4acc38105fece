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
                // Every scalar is read as text by `NodeReader`, so implicit tags are not needed: the
                // basic resolver skips one regular-expression match per scalar (3x faster on big files),
                // and `1:` and `"1":` are then the same key, as they are the same name to the monitor.
                self.root = try Yams.compose(yaml: working, .basic)
                self.repeatedKeys = repeated
                return
            } catch let error as YamlError {
                if case .duplicatedKeysInMapping(let keys, let context) = error,
                   let renamed = Self.renameRepeats(of: keys, near: context.mark, in: working, file: file, placeholderBase: repeated.count) {
                    working = renamed.text
                    repeated.merge(renamed.repeats) { first, _ in first }
                    continue
                }
                throw Self.describe(error, file: file, text: working)
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

    /// Finds the block mapping that holds the key at `mark`, renames every later repeat of
    /// `keys` in it and returns the new text; `nil` when the layout is not a plain block mapping.
    private static func renameRepeats(of keys: [String], near mark: Mark, in text: String, file: String, placeholderBase: Int)
        -> (text: String, repeats: [String: RepeatedKey])?
    {
        var lines = text.sourceLines.map(String.init)
        let markLine = mark.line - 1
        guard lines.indices.contains(markLine) else { return nil }
        let keyColumn = mark.column - 1
        // libyaml marks the first of the repeated keys; in a flow mapping, an unmatched "{" precedes it.
        if let brace = openingBrace(before: (markLine, keyColumn), in: lines) {
            return renameFlowRepeats(of: keys, at: brace, in: &lines, file: file, placeholderBase: placeholderBase)
        }
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

    /// The unmatched "{" before a position, when the position is inside a flow mapping.
    private static func openingBrace(before position: (line: Int, column: Int), in lines: [String]) -> (line: Int, column: Int)? {
        var depth = 0
        for lineIndex in stride(from: position.line, through: 0, by: -1) {
            let characters = Array(lines[lineIndex])
            let end = lineIndex == position.line ? min(position.column, characters.count) : characters.count
            for column in stride(from: end - 1, through: 0, by: -1) {
                switch characters[column] {
                case "}", "]": depth += 1
                case "[": if depth == 0 { return nil } else { depth -= 1 }
                case "{": if depth == 0 { return (lineIndex, column) } else { depth -= 1 }
                default: break
                }
            }
            // A block mapping's key is not inside brackets: stop at the first line that has none open.
            if lineIndex < position.line, !characters.contains(where: { "{}[],".contains($0) }) { return nil }
        }
        return nil
    }

    /// The same for a flow mapping (`{team: a, team: b}`) opening at `start`: its keys are the
    /// words after "{" or "," at depth one, followed by ":".
    private static func renameFlowRepeats(of keys: [String], at start: (line: Int, column: Int), in lines: inout [String], file: String,
                                          placeholderBase: Int) -> (text: String, repeats: [String: RepeatedKey])?
    {
        // (line, column, written length) of each key of the mapping, in order.
        var found: [(line: Int, column: Int, key: String, length: Int)] = []
        var depth = 0
        var expectingKey = false
        var quote: Character?
        scan: for lineIndex in start.line..<lines.count {
            let characters = Array(lines[lineIndex])
            var column = lineIndex == start.line ? start.column : 0
            while column < characters.count {
                let character = characters[column]
                if let open = quote {
                    if character == open { quote = nil }
                    column += 1
                    continue
                }
                switch character {
                case "{", "[":
                    depth += 1
                    expectingKey = character == "{" && depth == 1
                case "}", "]":
                    depth -= 1
                    if depth == 0 { break scan }
                case ",":
                    expectingKey = depth == 1
                case "#" where column == 0 || characters[column - 1] == " ":
                    column = characters.count
                    continue
                case " ":
                    break
                default:
                    if expectingKey {
                        expectingKey = false
                        for key in keys {
                            guard let written = [key, "\"\(key)\"", "'\(key)'"].first(where: { candidate in
                                characters[column...].starts(with: candidate)
                                    && characters[(column + candidate.count)...].drop(while: { $0 == " " }).first == ":"
                            }) else { continue }
                            found.append((lineIndex, column, key, written.count))
                            break
                        }
                    }
                    if character == "\"" || character == "'" { quote = character }
                }
                column += 1
            }
        }
        var repeats: [String: RepeatedKey] = [:]
        var counter = placeholderBase
        for (index, entry) in found.enumerated() {
            guard let first = found[..<index].first(where: { $0.key == entry.key }) else { continue }
            counter += 1
            let placeholder = Self.placeholder(number: counter, length: entry.length)
            repeats[placeholder] = RepeatedKey(key: entry.key, firstLocation: SourceLocation(file: file, line: first.line + 1, column: first.column + 1))
            var characters = Array(lines[entry.line])
            characters.replaceSubrange(entry.column..<(entry.column + entry.length), with: placeholder)
            lines[entry.line] = String(characters)
        }
        return repeats.isEmpty ? nil : (lines.joined(separator: "\n"), repeats)
    }

    /// A plain scalar of `length` characters from the Unicode private-use area, unique per number.
    private static func placeholder(number: Int, length: Int) -> String {
        let scalar = Unicode.Scalar(0xE000 + UInt32(number % 6_000))!
        return String(repeating: Character(scalar), count: max(length, 1))
    }
}
