import Foundation
import Yams

/// Reads typed values out of YAML nodes, turning every surprise into a located diagnostic
/// instead of an exception, so that one pass reports every problem.
final class NodeReader {
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var hostReferences: [HostReference] = []

    func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(.error(message, at: location))
    }

    func warning(_ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(message, at: location))
    }

    func refer(to reference: HostReference) {
        hostReferences.append(reference)
    }

    // MARK: - Mappings

    /// A mapping's entries by key, after reporting unknown and repeated keys.
    struct Entries {
        let document: YAMLDocument
        private(set) var values: [String: (key: Node, value: Node)] = [:]
        /// Keys in the order written.
        private(set) var order: [String] = []

        init(document: YAMLDocument) { self.document = document }

        mutating func add(_ key: String, _ keyNode: Node, _ value: Node) {
            values[key] = (keyNode, value)
            order.append(key)
        }

        subscript(_ key: String) -> Node? { values[key]?.value }
        func keyLocation(_ key: String) -> SourceLocation? { values[key].map { document.location(of: $0.key) } }
        func has(_ key: String) -> Bool { values[key] != nil }
    }

    /// Reads a mapping whose keys must come from `allowed`.
    ///
    /// - Parameters:
    ///   - what: how the operator calls this mapping in messages, e.g. `job "db"`.
    ///   - elsewhere: keys that belong to a neighbouring mapping, with where they go, for a better hint.
    func mapping(_ node: Node, in document: YAMLDocument, what: String, allowed: [String], elsewhere: [String: String] = [:]) -> Entries? {
        guard case .mapping(let mapping) = node else {
            error("\(what) must be a mapping (key: value lines), found \(describe(node))", at: document.location(of: node))
            return nil
        }
        var entries = Entries(document: document)
        for (keyNode, value) in mapping {
            let location = document.location(of: keyNode)
            guard case .scalar(let scalar) = keyNode else {
                error("keys of \(what) must be plain words, found \(describe(keyNode))", at: location)
                continue
            }
            let key = scalar.string
            if let repeated = document.repeatedKeys[key] {
                error("\"\(repeated.key)\" is set twice in \(what); the first is at \(repeated.firstLocation)", at: location)
                continue
            }
            guard allowed.contains(key) else {
                if let home = elsewhere[key] {
                    error("\"\(key)\" is not a key of \(what); it belongs \(home)", at: location)
                } else {
                    let known = allowed.map { "\"\($0)\"" }.joined(separator: ", ")
                    let hint = Suggestion.closest(to: key, in: allowed).map { "did you mean \"\($0)\"?" } ?? "known keys: \(known)"
                    error("unknown key \"\(key)\" in \(what); \(hint)", at: location)
                }
                continue
            }
            entries.add(key, keyNode, value)
        }
        return entries
    }

    /// Reports each key of `required` that `entries` lacks, at `location` (the mapping's name).
    func require(_ required: [String], in entries: Entries, what: String, at location: SourceLocation) -> Bool {
        var complete = true
        for key in required where !entries.has(key) {
            error("\(what) is missing the required key \"\(key)\"", at: location)
            complete = false
        }
        return complete
    }

    // MARK: - Scalars

    /// Any non-empty scalar as text.
    func string(_ node: Node, in document: YAMLDocument, what: String) -> String? {
        guard case .scalar(let scalar) = node, !isNull(scalar) else {
            error("\(what) must be a text value, found \(describe(node))", at: document.location(of: node))
            return nil
        }
        guard !scalar.string.isEmpty else {
            error("\(what) cannot be empty", at: document.location(of: node))
            return nil
        }
        return scalar.string
    }

    func integer(_ node: Node, in document: YAMLDocument, what: String) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) else {
            error("\(what) must be a whole number, found \(describe(node))", at: document.location(of: node))
            return nil
        }
        return value
    }

    func boolean(_ node: Node, in document: YAMLDocument, what: String) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .plain else {
            error("\(what) must be true or false, found \(describe(node))", at: document.location(of: node))
            return nil
        }
        switch scalar.string {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            error("\(what) must be true or false, found \(describe(node))", at: document.location(of: node))
            return nil
        }
    }

    /// One of a fixed set of words, with a suggestion when it is close to one.
    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, in document: YAMLDocument, what: String, as type: T.Type) -> T?
    where T.RawValue == String {
        guard let text = string(node, in: document, what: what) else { return nil }
        if let value = T(rawValue: text) { return value }
        let options = T.allCases.map(\.rawValue)
        error("\(what) must be \(Self.alternatives(options)), found \"\(text)\"\(Suggestion.didYouMean(text, in: options))",
              at: document.location(of: node))
        return nil
    }

    func duration(_ node: Node, in document: YAMLDocument, what: String) -> TimeSpan? {
        guard let text = string(node, in: document, what: what) else { return nil }
        do {
            return try TimeSpan(parsing: text)
        } catch {
            self.error("\(what): \(error.message)", at: document.location(of: node))
            return nil
        }
    }

    /// A list; a single value where a list is expected is an error that shows the list form.
    func sequence(_ node: Node, in document: YAMLDocument, what: String, example: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error("\(what) must be a list, e.g. \(example); found \(describe(node))", at: document.location(of: node))
            return nil
        }
        return Array(sequence)
    }

    /// The column of the first character of a scalar's content (after an opening quote).
    func contentLocation(of node: Node, in document: YAMLDocument, offset: Int) -> SourceLocation {
        var location = document.location(of: node)
        if case .scalar(let scalar) = node, scalar.style == .singleQuoted || scalar.style == .doubleQuoted {
            location.column += 1
        }
        location.column += offset
        return location
    }

    func environmentVariable(_ node: Node, in document: YAMLDocument, what: String, purpose: String) -> String? {
        guard let name = string(node, in: document, what: what) else { return nil }
        guard EnvironmentVariableName.isValid(name) else {
            error("\(what) must name an environment variable (letters, digits and \"_\", not starting with a digit), found \"\(name)\"; the secret itself never goes in YAML",
                  at: document.location(of: node))
            return nil
        }
        refer(to: .environmentVariable(name: name, purpose: purpose, location: document.location(of: node)))
        return name
    }

    // MARK: - Words

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if isNull(scalar) { return "nothing (an empty value)" }
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(37)) + "..." : scalar.string
            return "\"\(text)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    private func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    static func alternatives(_ options: [String]) -> String {
        let quoted = options.map { "\"\($0)\"" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }
}

/// Something outside the configuration that a value relies on, checked where `check` runs.
public enum HostReference: Sendable, Hashable {
    case environmentVariable(name: String, purpose: String, location: SourceLocation)
    case directory(path: String, purpose: String, location: SourceLocation)
    case file(path: String, purpose: String, location: SourceLocation)
}
