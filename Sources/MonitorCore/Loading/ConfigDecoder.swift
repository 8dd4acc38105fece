import Foundation
import Yams

/// Turns composed YAML documents into a `Configuration`, section by section, reporting every
/// problem through its `NodeReader`.
struct ConfigDecoder {
    let reader: NodeReader
    /// The absolute folder of a configuration file, for resolving relative paths.
    let folderOf: (String) -> String
    /// The clock of whoever loads the configuration: a silence without `from` may last at most
    /// 30 days from it. `nil` skips that one check.
    var now: Date? = nil

    static let topLevelKeys = ["version", "settings", "destinations", "alert_routes", "jobs", "silences", "maintenance"]
    static let supportedVersion = 1

    /// One named object (`jobs.db`, `destinations.nas`, ...) as written.
    struct Declaration {
        let name: String
        let key: Node
        let value: Node
        let document: YAMLDocument
        var location: SourceLocation { document.location(of: key) }
    }

    /// The sections of all files, merged; each name and each setting appears once.
    struct Sections {
        var settings: [String: Declaration] = [:]
        var destinations: [Declaration] = []
        var routes: [Declaration] = []
        var jobs: [Declaration] = []
        /// `silences:` and top-level `maintenance:` entries: lists, so files add to them.
        var silences: [ListEntry] = []
        var maintenance: [ListEntry] = []
        /// Top-level keys of sections that may have lost declarations to an error already reported
        /// (a file that is not YAML, a misspelt or repeated section, a section that is not a mapping).
        /// A reference into such a section that finds nothing is not reported: it would only echo that error.
        var incomplete: Set<String> = []
        /// Settings named in a "did you mean" of a misspelt key: they may be meant to be set.
        var suggestedSettings: Set<String> = []
    }

    /// - Parameter complete: false when some file of the configuration could not be read or parsed.
    func decode(_ documents: [YAMLDocument], files: [String], defaultStateFolder: String, complete: Bool = true) -> Configuration? {
        var sections = merge(documents)
        if !complete { sections.incomplete.formUnion(Self.topLevelKeys) }
        let settings = decodeSettings(sections.settings, defaultStateFolder: defaultStateFolder)
        let destinationNames = Set(sections.destinations.map(\.name))
        let routeNames = Set(sections.routes.map(\.name))
        let hostRequired = Self.destinationsNeedAHost(sections)
        let destinations = sections.destinations.compactMap { decodeDestination($0, hostRequired: hostRequired) }
        checkNesting(destinations)
        let routes = sections.routes.compactMap(decodeRoute)
        let jobs = sections.jobs.compactMap {
            decodeJob(
                $0, defaultTimezone: settings?.timezone ?? Settings.defaultTimezone,
                destinations: Declared(names: destinationNames, complete: !sections.incomplete.contains("destinations")),
                routes: Declared(names: routeNames, complete: !sections.incomplete.contains("alert_routes")))
        }
        if let settings, settings.pingKeyEnv == nil, !sections.incomplete.contains("settings") {
            // A ping job without a ping key can never hear from its producer (SPEC §13).
            for job in jobs where job.value.source == .ping {
                reader.warning(
                    "job \"\(job.value.name)\" has source: ping, but settings.ping_key_env is not set, so its pings are refused (404) "
                        + "and every run shows MISSING; set ping_key_env: VARIABLE and give the daemon the key in that variable",
                    at: job.location)
            }
        }
        if let settings {
            // restic and borg from PATH, as the first job that runs each would find them where check runs.
            let tools: [(Source.Kind, String?)] = [(.restic, settings.resticCommand), (.borg, settings.borgCommand)]
            for (kind, command) in tools where command == nil {
                guard let job = jobs.sorted(by: { $0.value.name < $1.value.name }).first(where: { $0.value.source?.kind == kind }) else { continue }
                reader.refer(to: .command(name: kind.rawValue, purpose: "source of job \"\(job.value.name)\"", location: job.location))
            }
        }
        var attached = jobs
        let declaredJobs = Declared(names: Set(sections.jobs.map(\.name)), complete: !sections.incomplete.contains("jobs"))
        attach(decodeSilences(sections.silences, jobs: declaredJobs), to: &attached)
        attach(
            maintenance: decodeTopLevelMaintenance(
                sections.maintenance, timezone: settings?.timezone ?? Settings.defaultTimezone, jobs: declaredJobs),
            to: &attached)
        guard let settings, !reader.diagnostics.hasErrors else { return nil }
        return Configuration(settings: settings, destinations: destinations, routes: routes, jobs: attached, files: files)
    }

    // MARK: - Merging files

    private func merge(_ documents: [YAMLDocument]) -> Sections {
        var sections = Sections()
        for document in documents {
            guard let root = document.root else {
                reader.error(
                    "the file is empty; a configuration file starts with \"version: \(Self.supportedVersion)\"",
                    at: SourceLocation(file: document.file, line: 1, column: 1))
                continue
            }
            guard
                let entries = reader.mapping(
                    root, in: document, what: "the top level", allowed: Self.topLevelKeys,
                    elsewhere: Self.topLevelHints)
            else {
                sections.incomplete.formUnion(Self.topLevelKeys)
                continue
            }
            checkVersion(entries, in: document)
            sections.incomplete.formUnion(entries.repeated.union(entries.suggested))
            // Like the other sections, "settings:" with nothing under it is allowed and means the defaults.
            if let node = entries["settings"], !Self.isEmptySection(node),
                let settings = reader.mapping(
                    node, in: document, what: "settings", allowed: SettingsDecoding.keys, elsewhere: SettingsDecoding.hints,
                    instead: SettingsDecoding.instead)
            {
                sections.suggestedSettings.formUnion(settings.suggested)
                for key in settings.order {
                    let declaration = Declaration(name: key, key: settings.values[key]!.key, value: settings[key]!, document: document)
                    if let first = sections.settings[key] {
                        reader.error("setting \"\(key)\" is already set at \(first.location); set it in one file only", at: declaration.location)
                    } else {
                        sections.settings[key] = declaration
                    }
                }
            }
            sections.destinations += named(
                entries, "destinations", in: document, kind: "destination",
                existing: sections.destinations, incomplete: &sections.incomplete)
            sections.routes += named(
                entries, "alert_routes", in: document, kind: "alert route",
                existing: sections.routes, incomplete: &sections.incomplete)
            sections.jobs += named(entries, "jobs", in: document, kind: "job", existing: sections.jobs, incomplete: &sections.incomplete)
            sections.silences += list(entries, "silences", in: document, example: "- {match: {job: NAME}, until: T, reason: TEXT}")
            sections.maintenance += list(
                entries, "maintenance", in: document, example: "- {match: {env: prod}, schedule: \"0 1 * * SUN\", duration: 4h}")
        }
        return sections
    }

    /// Whether a destination without `host` is an error: the state is a PostgreSQL URL (as
    /// written, even one refused for another reason) and `settings.default_host` is not written,
    /// not even misspelt or with a wrong value (already reported).
    private static func destinationsNeedAHost(_ sections: Sections) -> Bool {
        guard !sections.incomplete.contains("settings"), sections.settings["default_host"] == nil,
            !sections.suggestedSettings.contains("default_host"),
            let state = sections.settings["state"], case .scalar(let scalar) = state.value
        else { return false }
        return PostgresLocation.isPostgres(scalar.string)
    }

    private static let topLevelHints: [String: String] = {
        var hints: [String: String] = [:]
        for key in SettingsDecoding.keys { hints[key] = "under \"settings:\"" }
        for key in JobDecoding.keys where hints[key] == nil { hints[key] = "to a job, under \"jobs: NAME:\"" }
        hints["routes"] = "to a job (or did you mean the section \"alert_routes\"?)"
        hints["destination"] = "to a job (or did you mean the section \"destinations\"?)"
        return hints
    }()

    private func checkVersion(_ entries: NodeReader.Entries, in document: YAMLDocument) {
        guard let node = entries["version"] else {
            reader.error(
                "missing \"version: \(Self.supportedVersion)\" at the top of the file",
                at: SourceLocation(file: document.file, line: 1, column: 1))
            return
        }
        guard let version = reader.integer(node, in: document, what: "version") else { return }
        if version != Self.supportedVersion {
            reader.error(
                "unsupported version \(version): this monitor reads version \(Self.supportedVersion) only; write \"version: \(Self.supportedVersion)\" or use a newer monitor",
                at: document.location(of: node))
        }
    }

    /// The entries of a `NAME: {...}` section, with name rules and repeats checked.
    private func named(
        _ entries: NodeReader.Entries, _ section: String, in document: YAMLDocument, kind: String,
        existing: [Declaration], incomplete: inout Set<String>
    ) -> [Declaration] {
        guard let node = entries[section] else { return [] }
        if Self.isEmptySection(node) { return [] }
        guard case .mapping(let mapping) = node else {
            reader.error(
                "\(section) must map each \(kind) name to its keys (\"NAME:\" with its keys indented below), found \(reader.describe(node))",
                at: document.location(of: node))
            incomplete.insert(section)
            return []
        }
        var declarations: [Declaration] = []
        // Earlier declarations by name: a lookup per entry keeps 10,000 jobs linear.
        var declared = Dictionary(existing.map { ($0.name, $0.location) }) { first, _ in first }
        for (key, value) in mapping {
            let location = document.location(of: key)
            guard case .scalar(let scalar) = key else {
                reader.error("\(kind) names must be plain words, found \(reader.describe(key))", at: location)
                continue
            }
            if document.unreadableKeys.contains(scalar.string) { continue }
            if let repeated = document.repeatedKeys[scalar.string] {
                reader.error("\(kind) \"\(repeated.key)\" is declared twice; the first is at \(repeated.firstLocation)", at: location)
                continue
            }
            let name = scalar.string
            if let problem = Name.problem(with: name) {
                let fix = Name.suggestion(for: name).map { "; try \"\($0)\"" } ?? ""
                reader.error(
                    "invalid \(kind) name \"\(name)\": \(problem)\(fix) (names become folder names and URL segments: \(Name.pattern))", at: location)
            }
            if let first = declared[name] {
                reader.error("\(kind) \"\(name)\" is declared twice; the first is at \(first)", at: location)
                continue
            }
            declared[name] = location
            declarations.append(Declaration(name: name, key: key, value: value, document: document))
        }
        return declarations
    }

    /// The entries of a top-level list section (`silences:`, `maintenance:`).
    private func list(_ entries: NodeReader.Entries, _ section: String, in document: YAMLDocument, example: String) -> [ListEntry] {
        guard let node = entries[section], !Self.isEmptySection(node) else { return [] }
        guard let items = reader.sequence(node, in: document, what: section, example: example) else { return [] }
        return items.map { ListEntry(node: $0, document: document) }
    }

    private static func isEmptySection(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return true }
        return false
    }

    /// A path as written, resolved against the folder of the file that declares it.
    func resolve(_ path: String, declaredIn document: YAMLDocument) -> String {
        let absolute = path.hasPrefix("/") ? path : (folderOf(document.file) as NSString).appendingPathComponent(path)
        return (absolute as NSString).standardizingPath
    }
}
