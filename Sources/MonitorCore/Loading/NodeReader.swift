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
        /// Keys already named in a "did you mean" of an unknown key: not reported again as missing.
        fileprivate(set) var suggested: Set<String> = []
        /// A merge key (`<<`) hides keys from view: required keys are not reported as missing.
        fileprivate(set) var hasMergeKey = false
        /// Keys written more than once; only the first is read.
        fileprivate(set) var repeated: Set<String> = []

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
    ///   - instead: keys operators write by mistake, with what to write instead.
    func mapping(
        _ node: Node, in document: YAMLDocument, what: String, allowed: [String], elsewhere: [String: String] = [:],
        instead: [String: String] = [:]
    ) -> Entries? {
        guard case .mapping(let mapping) = node else {
            if case .scalar(let scalar) = node, isNull(scalar) {
                error("\(what) is empty; write its keys (key: value lines) indented below it", at: document.location(of: node))
            } else {
                error("\(what) must be a mapping (key: value lines), found \(describe(node))", at: document.location(of: node))
            }
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
            // A key that is not text, reported when the document was read.
            if document.unreadableKeys.contains(key) { continue }
            if key == "<<" {
                error("YAML merge keys (<<) are not supported in \(what); write the keys out", at: location)
                entries.hasMergeKey = true
                continue
            }
            if let repeated = document.repeatedKeys[key] {
                error("\"\(repeated.key)\" is set twice in \(what); the first is at \(repeated.firstLocation)", at: location)
                entries.repeated.insert(repeated.key)
                continue
            }
            guard allowed.contains(key) else {
                let closest = Suggestion.closest(to: key, in: allowed)
                if let closest { entries.suggested.insert(closest) }
                if let home = elsewhere[key] {
                    error("\"\(key)\" is not a key of \(what); it belongs \(home)", at: location)
                } else if let advice = instead[key] {
                    error("unknown key \"\(key)\" in \(what); \(advice)", at: location)
                } else {
                    let known = allowed.map { "\"\($0)\"" }.joined(separator: ", ")
                    let hint = closest.map { "did you mean \"\($0)\"?" } ?? "known keys: \(known)"
                    error("unknown key \"\(key)\" in \(what); \(hint)", at: location)
                }
                continue
            }
            entries.add(key, keyNode, value)
        }
        return entries
    }

    /// Reports each key of `required` that `entries` lacks, at `location` (the mapping's name).
    ///
    /// A key already suggested for a misspelt one is not reported again: one typo, one error.
    func require(_ required: [String], in entries: Entries, what: String, at location: SourceLocation) -> Bool {
        let absent = required.filter { !entries.has($0) }
        let unexplained = absent.filter { !entries.suggested.contains($0) }
        if !unexplained.isEmpty, !entries.hasMergeKey {
            let keys = Self.alternatives(unexplained, joiner: "and")
            error("\(what) is missing the required key\(unexplained.count == 1 ? "" : "s") \(keys)", at: location)
        }
        return absent.isEmpty
    }

    // MARK: - Scalars

    /// Any non-empty scalar as text.
    ///
    /// - Parameter expected: what the value should look like, for messages, e.g. `a duration such as 3h`.
    func string(_ node: Node, in document: YAMLDocument, what: String, expected: String? = nil) -> String? {
        guard case .scalar(let scalar) = node else {
            error("\(what) must be \(expected ?? "a single value"), found \(describe(node))", at: document.location(of: node))
            return nil
        }
        guard !isNull(scalar), !scalar.string.isEmpty else {
            error("\(what) is empty\(expected.map { "; write \($0)" } ?? "")", at: document.location(of: node))
            return nil
        }
        return scalar.string
    }

    func integer(_ node: Node, in document: YAMLDocument, what: String) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) else {
            error("\(what) must be a whole number, found \(describe(node))\(quotedHint(node, Int.self))", at: document.location(of: node))
            return nil
        }
        return value
    }

    func boolean(_ node: Node, in document: YAMLDocument, what: String) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .plain,
            let value = ["true": true, "True": true, "TRUE": true, "false": false, "False": false, "FALSE": false][scalar.string]
        else {
            error("\(what) must be true or false, found \(describe(node))\(quotedHint(node, Bool.self))", at: document.location(of: node))
            return nil
        }
        return value
    }

    /// `; remove the quotes` when a quoted scalar would have been right unquoted (`"3"`, `'true'`).
    private func quotedHint<T: LosslessStringConvertible>(_ node: Node, _ type: T.Type) -> String {
        guard case .scalar(let scalar) = node, scalar.style != .plain, T(scalar.string) != nil else { return "" }
        return " (quoted, so it is text); remove the quotes"
    }

    /// One of a fixed set of words, with a suggestion when it is close to one.
    ///
    /// - Parameter aliases: words operators write for one of the options, with the hint to show.
    func choice<T: RawRepresentable & CaseIterable>(
        _ node: Node, in document: YAMLDocument, what: String, as type: T.Type,
        aliases: [String: String] = [:]
    ) -> T?
    where T.RawValue == String {
        let options = T.allCases.map(\.rawValue)
        guard let text = string(node, in: document, what: what, expected: Self.alternatives(options)) else { return nil }
        if let value = T(rawValue: text) { return value }
        let hint = aliases[text.lowercased()].map { " (\($0))" } ?? Suggestion.didYouMean(text, in: options)
        error(
            "\(what) must be \(Self.alternatives(options)), found \"\(text)\"\(hint)",
            at: document.location(of: node))
        return nil
    }

    func duration(_ node: Node, in document: YAMLDocument, what: String) -> TimeSpan? {
        guard let text = string(node, in: document, what: what, expected: "a duration such as 15m, 3h or 1h30m") else { return nil }
        do {
            return try TimeSpan(parsing: text)
        } catch {
            self.error("\(what): \(error.message)", at: document.location(of: node))
            return nil
        }
    }

    func byteSize(_ node: Node, in document: YAMLDocument, what: String) -> ByteSize? {
        guard let text = string(node, in: document, what: what, expected: "a size such as 500MB or 2GiB") else { return nil }
        do {
            return try ByteSize(parsing: text)
        } catch {
            self.error("\(what): \(error.message)", at: document.location(of: node))
            return nil
        }
    }

    /// A list; a single value where a list is expected is an error that shows the list form.
    func sequence(_ node: Node, in document: YAMLDocument, what: String, example: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            // A single value is most likely a one-item list written without brackets: show that list.
            if case .scalar(let scalar) = node, !isNull(scalar), !scalar.string.isEmpty, scalar.style == .plain {
                error("\(what) must be a list; write [\(scalar.string)]", at: document.location(of: node))
            } else {
                error("\(what) must be a list, e.g. \(example); found \(describe(node))", at: document.location(of: node))
            }
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
        guard let name = string(node, in: document, what: what, expected: "the name of an environment variable") else { return nil }
        guard EnvironmentVariableName.isValid(name) else {
            let unprefixed = String(name.drop { $0 == "$" || $0 == "{" }.prefix { $0 != "}" })
            let conventional = name.uppercased().replacingOccurrences(of: "-", with: "_")
            let hint =
                name.hasPrefix("$") && EnvironmentVariableName.isValid(unprefixed)
                ? "write the name without \"$\": \(unprefixed)"
                : !name.contains("://") && EnvironmentVariableName.isValid(conventional)
                    ? "did you mean \"\(conventional)\"?"
                    : "the secret itself never goes in YAML"
            error(
                "\(what) must name an environment variable (letters, digits and \"_\", not starting with a digit), found \"\(name)\"; \(hint)",
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

    /// An empty value: nothing after the colon, `~` or `null`.
    func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// `"a", "b" or "c"` (or with `and`).
    static func alternatives(_ options: [String], joiner: String = "or") -> String {
        let quoted = options.map { "\"\($0)\"" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " \(joiner) " + quoted.last!
    }
}

/// Something outside the configuration that a value relies on, checked where `check` runs.
public enum HostReference: Sendable, Hashable {
    case environmentVariable(name: String, purpose: String, location: SourceLocation)
    case directory(path: String, purpose: String, location: SourceLocation)
    case file(path: String, purpose: String, location: SourceLocation)
    /// A program monitor runs (`settings.restic_command`): a path, or a name looked up in `PATH`.
    case command(name: String, purpose: String, location: SourceLocation)
    /// A secret written in the configuration itself (a notification URL holding a token): a
    /// warning, an error with `--strict`. `message` never quotes the secret.
    case literalSecret(message: String, location: SourceLocation)
    /// A notification URL read from an environment variable (`url_env`): when it is set where
    /// `check` runs, it is read too, and a URL that cannot be read is reported without quoting it.
    case notificationURL(variable: String, purpose: String, location: SourceLocation)
}
