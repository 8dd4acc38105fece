import Foundation
import Yams

/// One YAML file composed into a node tree whose nodes keep their line and column.
///
/// libyaml (through Yams) refuses a mapping with a repeated key and stops there, and Yams
/// compares keys as composed nodes, aliases expanded. A configuration checker must instead
/// report every repeat, pointing at both places, report keys that are not text without
/// expanding them, and go on checking the rest. So `MappingKeyScan` first finds both kinds on
/// libyaml's event stream; they are replaced in a copy of the text by same-length placeholders
/// (marks stay exact), remembered in `repeatedKeys` and `unreadableKeys`, and the copy is
/// composed once.
struct YAMLDocument {
    let file: String
    let text: String
    /// The root node; `nil` for an empty document.
    let root: Node?
    /// Placeholder key → the key as written and where it was first declared in its mapping.
    let repeatedKeys: [String: RepeatedKey]
    /// Placeholders of keys that are not text (a list, a mapping, an alias of one), already
    /// reported in `diagnostics`: readers skip them.
    let unreadableKeys: Set<String>
    /// Errors found in the text before composing it: keys that are not text.
    let diagnostics: [Diagnostic]

    struct RepeatedKey {
        let key: String
        let firstLocation: SourceLocation
    }

    /// The file cannot be composed: every error found, at least one.
    struct ComposeError: Error {
        let diagnostics: [Diagnostic]
    }

    init(file: String, text: String) throws(ComposeError) {
        self.file = file
        self.text = text
        let scan = MappingKeyScan(text: text, file: file)
        let replaced = Self.replacing(scan.replacements, in: text)
        do {
            // Every scalar is read as text by `NodeReader`, so implicit tags are not needed: the
            // basic resolver skips one regular-expression match per scalar (3x faster on big files),
            // and `1:` and `"1":` are then the same key, as they are the same name to the monitor.
            root = try Yams.compose(yaml: replaced.text, .basic)
        } catch let error as YamlError {
            throw ComposeError(
                diagnostics: scan.diagnostics
                    + Self.composeErrors(
                        error, scan: scan, replacedText: replaced.text,
                        originalText: text, file: file))
        } catch {
            throw ComposeError(
                diagnostics: scan.diagnostics + [
                    .error("cannot parse YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
                ])
        }
        repeatedKeys = replaced.repeated
        unreadableKeys = replaced.unreadable
        diagnostics = scan.diagnostics
    }

    /// The errors to report when composing the text with its keys replaced fails.
    private static func composeErrors(
        _ error: YamlError, scan: MappingKeyScan, replacedText: String, originalText: String,
        file: String
    ) -> [Diagnostic] {
        let isSyntaxError =
            switch error {
            case .scanner, .parser: true
            default: false
            }
        // libyaml read the original text as far as composing does without a syntax error, so one
        // now comes from a placeholder over a key written on several lines. With keys that are not
        // text, they are the errors; with repeats only, the original text composes safely (no key
        // to expand) and Yams names its first repeat.
        if isSyntaxError, !scan.stoppedAtSyntaxError {
            if !scan.diagnostics.isEmpty { return [] }
            do { _ = try Yams.compose(yaml: originalText, .basic) } catch let error as YamlError {
                return [describe(error, file: file, text: originalText)]
            } catch {}
        }
        return [describe(error, file: file, text: replacedText)]
    }

    func location(of node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// The text with each replacement written over by a unique placeholder: the first line of
    /// the range by as many placeholder characters, its other lines by spaces (line breaks stay).
    private static func replacing(_ replacements: [MappingKeyScan.Replacement], in text: String)
        -> (text: String, repeated: [String: RepeatedKey], unreadable: Set<String>)
    {
        guard !replacements.isEmpty else { return (text, [:], []) }
        var scalars = Array(text.unicodeScalars)
        var repeated: [String: RepeatedKey] = [:]
        var unreadable: Set<String> = []
        var number = 0
        for replacement in replacements {
            let range = replacement.range.clamped(to: 0..<scalars.count)
            let firstLineEnd = range.first { isLineBreak(scalars[$0]) } ?? range.upperBound
            // Past the placeholders of one character (about 137,000), a repeat stays as written
            // and Yams reports it; keys that are not text are two characters or more.
            guard let placeholder = placeholder(number: number, length: firstLineEnd - range.lowerBound) else { continue }
            number += 1
            scalars.replaceSubrange(range.lowerBound..<firstLineEnd, with: placeholder.unicodeScalars)
            for index in firstLineEnd..<range.upperBound where !isLineBreak(scalars[index]) { scalars[index] = " " }
            switch replacement.reason {
            case .repeated(let key, let firstLocation): repeated[placeholder] = RepeatedKey(key: key, firstLocation: firstLocation)
            case .notText: unreadable.insert(placeholder)
            }
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return (String(result), repeated, unreadable)
    }

    /// libyaml's line breaks.
    private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar)
    }

    /// A plain scalar of `length` characters from the Unicode private-use areas, unique per number:
    /// `number` written in base 137,468 (the private-use code points), one digit per character.
    /// `nil` when `length` characters cannot write `number`.
    private static func placeholder(number: Int, length: Int) -> String? {
        let bmp = 0xF8FF - 0xE000 + 1
        let plane = 0xFFFFD - 0xF0000 + 1
        let base = bmp + 2 * plane
        guard length > 0, length > 1 || number < base else { return nil }
        var rest = number
        var result = String.UnicodeScalarView()
        for _ in 0..<length {
            let digit = rest % base
            rest /= base
            let value = digit < bmp ? 0xE000 + digit : digit < bmp + plane ? 0xF0000 + digit - bmp : 0x100000 + digit - bmp - plane
            result.append(Unicode.Scalar(UInt32(value))!)
        }
        return String(result)
    }
}
