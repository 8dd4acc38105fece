// libyaml's own API (Yams' C module, built and linked with Yams): its event stream is the one
// place where a mapping key can be looked at without composing it.
internal import CYaml

/// One pass over libyaml's events, before Yams composes the text, that finds the mapping keys
/// Yams would choke on and where they are written.
///
/// Yams checks every mapping for repeated keys by hashing and comparing its keys as composed
/// nodes, which expands aliases: an alias of a small "billion laughs" list used as a key costs
/// time exponential in its depth. And libyaml stops at the first repeated key, while a
/// configuration checker reports all of them. The configuration has text keys only, so this scan
/// reports every non-text key (a list, a mapping, an alias of one) without looking inside it, and
/// collects every repeated text key with where it is first written, in time linear in the text.
/// `YAMLDocument` then replaces both kinds in a copy of the text with same-length placeholders
/// (so every mark stays exact) and composes that copy once.
struct MappingKeyScan {
    /// A key to replace: its text range, in Unicode scalars from the start of the text (libyaml's
    /// `index`), and why.
    struct Replacement {
        enum Reason {
            /// A repeat of `key`, first written at `firstLocation` in the same mapping.
            case repeated(key: String, firstLocation: SourceLocation)
            /// Not text; reported already as `diagnostics` of the scan.
            case notText
        }

        let range: Range<Int>
        let reason: Reason
    }

    private(set) var replacements: [Replacement] = []
    /// One error per key that is not text.
    private(set) var diagnostics: [Diagnostic] = []
    /// Whether libyaml found a syntax error in the first document or just after it (the scan stops
    /// there; composing reports it).
    private(set) var stoppedAtSyntaxError = false

    private let file: String

    /// What an anchor names, for an alias used as a key.
    private enum Anchored {
        case text(String)
        case list
        case mapping
    }

    /// A collection being read; for a mapping, the keys met so far and whether a key comes next.
    private struct Frame {
        let isMapping: Bool
        var expectingKey: Bool
        var keys: [String: SourceLocation] = [:]
    }

    private var anchors: [String: Anchored] = [:]
    private var frames: [Frame] = []
    /// Nesting depth inside a key that is a list or a mapping: nothing in there is looked at.
    private var depthInsideSkippedKey = 0

    init(text: String, file: String) {
        self.file = file
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            // One document, and the event after it: `Yams.compose` reads as far, and refuses a second document.
            var documentEnded = false
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    stoppedAtSyntaxError = true
                    return
                }
                let type = event.type
                if !documentEnded { documentEnded = !read(event) }
                yaml_event_delete(&event)
                if type == YAML_STREAM_END_EVENT || (documentEnded && type != YAML_DOCUMENT_END_EVENT) { return }
            }
        }
    }

    /// Reads one event; false at the end of the first document.
    private mutating func read(_ event: yaml_event_t) -> Bool {
        switch event.type {
        case YAML_SCALAR_EVENT:
            // Most scalars are values: their text is only read when it is a key or anchored.
            func value() -> String { Self.string(event.data.scalar.value, length: event.data.scalar.length) }
            if let anchor = Self.string(event.data.scalar.anchor) { anchors[anchor] = .text(value()) }
            guard depthInsideSkippedKey == 0, nextIsKey() else { return true }
            keyIsText(value(), event)
        case YAML_ALIAS_EVENT:
            guard depthInsideSkippedKey == 0, nextIsKey() else { return true }
            let name = Self.string(event.data.alias.anchor) ?? ""
            switch anchors[name] {
            case .text(let value): keyIsText(value, event)
            case .list: keyIsNotText("an alias of a list (*\(name))", event)
            case .mapping: keyIsNotText("an alias of a mapping (*\(name))", event)
            // An undefined alias: composing reports it.
            case nil: break
            }
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            if let anchor = Self.string(anchor) { anchors[anchor] = isMapping ? .mapping : .list }
            if depthInsideSkippedKey > 0 {
                depthInsideSkippedKey += 1
            } else if nextIsKey() {
                keyIsNotText(isMapping ? "a mapping" : "a list", event)
                depthInsideSkippedKey = 1
            } else {
                frames.append(Frame(isMapping: isMapping, expectingKey: isMapping))
            }
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            if depthInsideSkippedKey > 0 {
                depthInsideSkippedKey -= 1
                // The end of a key that is not text: its range closes here.
                if depthInsideSkippedKey == 0, let last = replacements.indices.last {
                    replacements[last] = Replacement(
                        range: replacements[last].range.lowerBound..<Int(event.end_mark.index),
                        reason: .notText)
                }
            } else {
                _ = frames.popLast()
            }
        case YAML_DOCUMENT_END_EVENT, YAML_STREAM_END_EVENT:
            return false
        default:
            break
        }
        return true
    }

    /// Whether the node starting now is a mapping key; moves the innermost mapping on by one node.
    private mutating func nextIsKey() -> Bool {
        guard let last = frames.indices.last, frames[last].isMapping else { return false }
        defer { frames[last].expectingKey.toggle() }
        return frames[last].expectingKey
    }

    private mutating func keyIsText(_ key: String, _ event: yaml_event_t) {
        let location = self.location(event.start_mark)
        let last = frames.count - 1
        if let first = frames[last].keys[key] {
            replacements.append(
                Replacement(
                    range: Int(event.start_mark.index)..<Int(event.end_mark.index),
                    reason: .repeated(key: key, firstLocation: first)))
        } else {
            frames[last].keys[key] = location
        }
    }

    private mutating func keyIsNotText(_ what: String, _ event: yaml_event_t) {
        diagnostics.append(.error("mapping keys must be plain text, not \(what)", at: location(event.start_mark)))
        replacements.append(Replacement(range: Int(event.start_mark.index)..<Int(event.end_mark.index), reason: .notText))
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
