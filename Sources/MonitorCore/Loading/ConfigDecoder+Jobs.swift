import Foundation
import Yams

enum JobDecoding {
    static let keys = [
        "destination", "schedule", "window", "timezone", "verify", "routes", "labels", "description", "expect", "anomaly", "max_age", "maintenance",
        "source", "promote",
    ]
    static let required = ["destination", "schedule", "window"]
    static let hints: [String: String] = [
        "path": "to a destination; a job names its destination with \"destination: NAME\"",
        "keep_versions": "to a destination",
        "host": "to a destination; a job runs on the machine of its destination",
        "on": "to an alert route", "email": "to an alert route", "webhook": "to an alert route",
    ]
    static let labelKeyPattern = "^[A-Za-z_][A-Za-z0-9_.-]{0,62}$"

    /// Whether `text` matches `labelKeyPattern`; by hand, because a regular expression per label
    /// was a third of the time of checking 10,000 jobs.
    static func isLabelName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 63, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return bytes.allSatisfy {
            isLetter($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
}

/// The names a section declares, and whether an earlier error may have hidden some of them.
struct Declared {
    let names: Set<String>
    let complete: Bool
}

extension ConfigDecoder {
    func decodeJob(_ declaration: Declaration, defaultTimezone: String, destinations: Declared, routes: Declared) -> Located<Job>? {
        let what = "job \"\(declaration.name)\""
        let document = declaration.document
        guard
            let entries = reader.mapping(
                declaration.value, in: document, what: what, allowed: JobDecoding.keys,
                elsewhere: JobDecoding.hints)
        else { return nil }
        var valid = reader.require(JobDecoding.required, in: entries, what: what, at: declaration.location)

        var destination: String?
        if let node = entries["destination"] {
            destination = reference(node, in: document, what: "destination of \(what)", kind: "destination", declared: destinations)
        }
        var schedule: CronSchedule?
        if let node = entries["schedule"] { schedule = self.schedule(node, in: document, what: "schedule of \(what)") }
        var window: TimeSpan?
        if let node = entries["window"] { window = reader.duration(node, in: document, what: "window of \(what)") }
        valid = valid && destination != nil && schedule != nil && window != nil
        guard let destination, let schedule, let window else {
            // Still read the optional keys, so their problems are reported in the same pass.
            _ = optionalJobFields(entries, in: document, what: what, defaultTimezone: defaultTimezone, routes: routes)
            return nil
        }
        var job = Job(name: declaration.name, destination: destination, schedule: schedule, window: window)
        guard optionalJobFields(entries, in: document, what: what, defaultTimezone: defaultTimezone, routes: routes, into: &job), valid
        else { return nil }
        return Located(job, at: declaration.location)
    }

    private func optionalJobFields(
        _ entries: NodeReader.Entries, in document: YAMLDocument, what: String,
        defaultTimezone: String, routes: Declared
    ) -> Bool {
        var scratch = Job(name: "", destination: "", schedule: try! CronSchedule(parsing: "@daily"), window: TimeSpan(seconds: 1))
        return optionalJobFields(entries, in: document, what: what, defaultTimezone: defaultTimezone, routes: routes, into: &scratch)
    }

    private func optionalJobFields(
        _ entries: NodeReader.Entries, in document: YAMLDocument, what: String,
        defaultTimezone: String, routes: Declared, into job: inout Job
    ) -> Bool {
        var valid = true
        job.timezone = defaultTimezone
        if let node = entries["timezone"] {
            if let zone = timezone(node, in: document, what: "timezone of \(what)") { job.timezone = zone } else { valid = false }
        }
        if let node = entries["verify"] {
            if let verify = reader.choice(node, in: document, what: "verify of \(what)", as: Verification.self) {
                job.verify = verify
            } else {
                valid = false
            }
        }
        if let node = entries["routes"] {
            if let list = reader.sequence(node, in: document, what: "routes of \(what)", example: "[ops-email, chat]") {
                for item in list {
                    guard let name = reference(item, in: document, what: "routes of \(what)", kind: "alert route", declared: routes) else {
                        valid = false
                        continue
                    }
                    if job.routes.contains(name) {
                        reader.error("routes of \(what) lists \"\(name)\" twice", at: document.location(of: item))
                        valid = false
                    } else {
                        job.routes.append(name)
                    }
                }
            } else {
                valid = false
            }
        }
        if let node = entries["labels"] {
            if let labels = decodeLabels(node, in: document, what: "labels of \(what)") { job.labels = labels } else { valid = false }
        }
        if let node = entries["description"] {
            if let text = reader.string(node, in: document, what: "description of \(what)") { job.description = text } else { valid = false }
        }
        if let node = entries["expect"] {
            if let expect = decodeExpectation(node, in: document, what: "expect of \(what)") { job.expect = expect } else { valid = false }
        }
        if let node = entries["anomaly"] {
            if let flag = reader.boolean(node, in: document, what: "anomaly of \(what)") { job.anomaly = flag } else { valid = false }
        }
        if let node = entries["maintenance"] {
            if let windows = decodeMaintenanceList(node, in: document, what: "maintenance of \(what)") {
                // A window without its own timezone is read in the job's.
                let zone = job.timezone
                job.maintenance = windows.map { declared in
                    var window = declared.window
                    if !declared.zoned { window.timezone = zone }
                    return window
                }
                if job.maintenance?.isEmpty == true { job.maintenance = nil }
            } else {
                valid = false
            }
        }
        if let node = entries["max_age"] {
            if let span = reader.duration(node, in: document, what: "max_age of \(what)") { job.maxAge = span } else { valid = false }
        }
        if let node = entries["promote"] {
            if let mode = reader.choice(node, in: document, what: "promote of \(what)", as: PromotionMode.self) {
                job.promote = mode
            } else {
                valid = false
            }
        }
        if let node = entries["source"] {
            if let source = decodeSource(node, in: document, what: "source of \(what)") { job.source = source } else { valid = false }
        }
        return valid
    }

    /// `expect:` — sizes with a unit, counts, durations; each lower bound at most its upper bound.
    private func decodeExpectation(_ node: Node, in document: YAMLDocument, what: String) -> RunBounds? {
        guard let entries = reader.mapping(node, in: document, what: what, allowed: RunBounds.keys) else { return nil }
        var expect = RunBounds()
        var valid = true
        func size(_ key: String) -> ByteSize? {
            guard let node = entries[key] else { return nil }
            let value = reader.byteSize(node, in: document, what: "\(key) of \(what)")
            if value == nil { valid = false }
            return value
        }
        func count(_ key: String) -> Int? {
            guard let node = entries[key] else { return nil }
            guard let value = reader.integer(node, in: document, what: "\(key) of \(what)") else {
                valid = false
                return nil
            }
            guard value >= 0 else {
                reader.error("\(key) of \(what) cannot be negative", at: document.location(of: node))
                valid = false
                return nil
            }
            return value
        }
        func duration(_ key: String) -> TimeSpan? {
            guard let node = entries[key] else { return nil }
            let value = reader.duration(node, in: document, what: "\(key) of \(what)")
            if value == nil { valid = false }
            return value
        }
        expect.minBytes = size("min_bytes")
        expect.maxBytes = size("max_bytes")
        expect.minFiles = count("min_files")
        expect.maxFiles = count("max_files")
        expect.minDuration = duration("min_duration")
        expect.maxDuration = duration("max_duration")
        func order<T: Comparable & CustomStringConvertible>(_ low: T?, _ high: T?, _ lowKey: String, _ highKey: String) {
            guard let low, let high, low > high, let location = entries.keyLocation(highKey) else { return }
            reader.error("\(highKey) of \(what) (\(high)) is below \(lowKey) (\(low)): no run could pass", at: location)
            valid = false
        }
        order(expect.minBytes, expect.maxBytes, "min_bytes", "max_bytes")
        order(expect.minFiles, expect.maxFiles, "min_files", "max_files")
        order(expect.minDuration, expect.maxDuration, "min_duration", "max_duration")
        if valid, expect.isEmpty {
            reader.warning(
                "\(what) sets no bound; remove it or add min_bytes, max_bytes, min_files, max_files, min_duration or max_duration",
                at: document.location(of: node))
        }
        return valid ? expect : nil
    }

    /// A name that must be declared in another section, with a suggestion when it is misspelt.
    func reference(_ node: Node, in document: YAMLDocument, what: String, kind: String, declared: Declared) -> String? {
        let article = kind.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        guard let name = reader.string(node, in: document, what: what, expected: "\(article) \(kind) name") else { return nil }
        guard declared.names.contains(name) else {
            // The section lost declarations to an error already reported, or the name refers to a
            // declaration whose invalid name has been reported with this very name as the fix:
            // another error here would only echo that one.
            guard declared.complete, !declared.names.contains(where: { Name.problem(with: $0) != nil && Name.suggestion(for: $0) == name })
            else { return nil }
            let names = declared.names.sorted()
            let hint =
                Suggestion.closest(to: name, in: names).map { "; did you mean \"\($0)\"?" }
                ?? (name.contains("/") ? "; name one declared under \"\(kind == "destination" ? "destinations" : "alert_routes"):\", not a path" : "")
                + (names.isEmpty ? "; no \(kind) is declared" : "; declared: \(names.joined(separator: ", "))")
            reader.error("\(what) names \(kind) \"\(name)\", which is not declared\(hint)", at: document.location(of: node))
            return nil
        }
        return name
    }

    private func schedule(_ node: Node, in document: YAMLDocument, what: String) -> CronSchedule? {
        guard let text = reader.string(node, in: document, what: what, expected: "a cron expression such as \"0 2 * * *\" or @daily") else {
            return nil
        }
        do {
            return try CronSchedule.memoized(parsing: text)
        } catch {
            reader.error("\(what): \(error.message)", at: reader.contentLocation(of: node, in: document, offset: error.offset))
            return nil
        }
    }

    private func decodeLabels(_ node: Node, in document: YAMLDocument, what: String) -> [String: String]? {
        decodeLabelMap(node, in: document, what: what, lists: false)?.compactMapValues(\.first)
    }

    /// A mapping of label names to a value — or, with `lists`, to a value or a list of values
    /// (a route's `match:`): every problem located, `nil` when there is any.
    func decodeLabelMap(_ node: Node, in document: YAMLDocument, what: String, lists: Bool) -> [String: [String]]? {
        guard case .mapping(let mapping) = node else {
            reader.error("\(what) must be a mapping, e.g. {team: data, env: prod}; found \(reader.describe(node))", at: document.location(of: node))
            return nil
        }
        var labels: [String: [String]] = [:]
        var valid = true
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else {
                reader.error("label names in \(what) must be plain words", at: document.location(of: keyNode))
                valid = false
                continue
            }
            if document.unreadableKeys.contains(key.string) {
                valid = false
                continue
            }
            if let repeated = document.repeatedKeys[key.string] {
                reader.error(
                    "label \"\(repeated.key)\" is set twice in \(what); the first is at \(repeated.firstLocation)", at: document.location(of: keyNode)
                )
                valid = false
                continue
            }
            if !JobDecoding.isLabelName(key.string) {
                reader.error(
                    "invalid label name \"\(key.string)\" in \(what): use letters, digits, \"_\", \".\" and \"-\", starting with a letter or \"_\"",
                    at: document.location(of: keyNode))
                valid = false
            }
            var items = [valueNode]
            if lists, case .sequence(let sequence) = valueNode {
                items = Array(sequence)
                if items.isEmpty {
                    reader.error(
                        "label \"\(key.string)\" in \(what) lists no value; list one or more, or remove it", at: document.location(of: valueNode))
                    valid = false
                }
            }
            var values: [String] = []
            for item in items {
                guard case .scalar(let value) = item else {
                    reader.error(
                        "label \"\(key.string)\" in \(what) must be \(lists ? "a value or a list of values" : "a single value"), found \(reader.describe(item))",
                        at: document.location(of: item))
                    valid = false
                    continue
                }
                if reader.isNull(value) {
                    reader.error(
                        "label \"\(key.string)\" in \(what) has no value; write \(key.string): VALUE, or remove it",
                        at: document.location(of: keyNode))
                    valid = false
                    continue
                }
                values.append(value.string)
            }
            labels[key.string] = values
        }
        return valid ? labels : nil
    }
}
