import Foundation
import Yams

/// Turns composed YAML documents into a `Configuration`, section by section, reporting every
/// problem through its `NodeReader`.
struct ConfigDecoder {
    let reader: NodeReader
    /// The absolute folder of a configuration file, for resolving relative paths.
    let folderOf: (String) -> String

    static let topLevelKeys = ["version", "settings", "destinations", "alert_routes", "jobs"]
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
    }

    func decode(_ documents: [YAMLDocument], files: [String], defaultStateFolder: String) -> Configuration? {
        let sections = merge(documents)
        let settings = decodeSettings(sections.settings, defaultStateFolder: defaultStateFolder)
        let destinationNames = Set(sections.destinations.map(\.name))
        let routeNames = Set(sections.routes.map(\.name))
        let destinations = sections.destinations.compactMap(decodeDestination)
        let routes = sections.routes.compactMap(decodeRoute)
        let jobs = sections.jobs.compactMap {
            decodeJob($0, defaultTimezone: settings?.timezone ?? Settings.defaultTimezone,
                      destinations: destinationNames, routes: routeNames)
        }
        guard let settings, !reader.diagnostics.hasErrors else { return nil }
        return Configuration(settings: settings, destinations: destinations, routes: routes, jobs: jobs, files: files)
    }

    // MARK: - Merging files

    private func merge(_ documents: [YAMLDocument]) -> Sections {
        var sections = Sections()
        for document in documents {
            guard let root = document.root else {
                reader.error("the file is empty; a configuration file starts with \"version: \(Self.supportedVersion)\"",
                             at: SourceLocation(file: document.file, line: 1, column: 1))
                continue
            }
            guard let entries = reader.mapping(root, in: document, what: "the top level", allowed: Self.topLevelKeys,
                                               elsewhere: Self.topLevelHints) else { continue }
            checkVersion(entries, in: document)
            if let node = entries["settings"], let settings = reader.mapping(
                node, in: document, what: "settings", allowed: SettingsDecoding.keys, elsewhere: SettingsDecoding.hints) {
                for key in settings.order {
                    let declaration = Declaration(name: key, key: settings.values[key]!.key, value: settings[key]!, document: document)
                    if let first = sections.settings[key] {
                        reader.error("setting \"\(key)\" is already set at \(first.location); set it in one file only", at: declaration.location)
                    } else {
                        sections.settings[key] = declaration
                    }
                }
            }
            sections.destinations += named(entries["destinations"], in: document, kind: "destination", existing: sections.destinations)
            sections.routes += named(entries["alert_routes"], in: document, kind: "alert route", existing: sections.routes)
            sections.jobs += named(entries["jobs"], in: document, kind: "job", existing: sections.jobs)
        }
        return sections
    }

    private static let topLevelHints: [String: String] = {
        var hints: [String: String] = [:]
        for key in SettingsDecoding.keys { hints[key] = "under \"settings:\"" }
        for key in JobDecoding.keys where hints[key] == nil { hints[key] = "to a job, under \"jobs: NAME:\"" }
        hints["routes"] = "to a job (or did you mean the section \"alert_routes\"?)"
        return hints
    }()

    private func checkVersion(_ entries: NodeReader.Entries, in document: YAMLDocument) {
        guard let node = entries["version"] else {
            reader.error("missing \"version: \(Self.supportedVersion)\" at the top of the file",
                         at: SourceLocation(file: document.file, line: 1, column: 1))
            return
        }
        guard let version = reader.integer(node, in: document, what: "version") else { return }
        if version != Self.supportedVersion {
            reader.error("unsupported version \(version): this monitor reads version \(Self.supportedVersion)", at: document.location(of: node))
        }
    }

    /// The entries of a `NAME: {...}` section, with name rules and repeats checked.
    private func named(_ node: Node?, in document: YAMLDocument, kind: String, existing: [Declaration]) -> [Declaration] {
        guard let node else { return [] }
        if case .scalar(let scalar) = node, scalar.style == .plain, ["", "~", "null"].contains(scalar.string) { return [] }
        guard case .mapping(let mapping) = node else {
            reader.error("the \(kind) section must be a mapping of names to \(kind)s, found \(reader.describe(node))",
                         at: document.location(of: node))
            return []
        }
        var declarations: [Declaration] = []
        for (key, value) in mapping {
            let location = document.location(of: key)
            guard case .scalar(let scalar) = key else {
                reader.error("\(kind) names must be plain words, found \(reader.describe(key))", at: location)
                continue
            }
            if let repeated = document.repeatedKeys[scalar.string] {
                reader.error("\(kind) \"\(repeated.key)\" is declared twice; the first is at \(repeated.firstLocation)", at: location)
                continue
            }
            let name = scalar.string
            if let problem = Name.problem(with: name) {
                reader.error("invalid \(kind) name \"\(name)\": \(problem) (names become folder names and URL segments: ^[a-z0-9][a-z0-9_.-]{0,63}$)", at: location)
            }
            if let first = (existing + declarations).first(where: { $0.name == name }) {
                reader.error("\(kind) \"\(name)\" is declared twice; the first is at \(first.location)", at: location)
                continue
            }
            declarations.append(Declaration(name: name, key: key, value: value, document: document))
        }
        return declarations
    }

    /// A path as written, resolved against the folder of the file that declares it.
    func resolve(_ path: String, declaredIn document: YAMLDocument) -> String {
        let absolute = path.hasPrefix("/") ? path : (folderOf(document.file) as NSString).appendingPathComponent(path)
        return (absolute as NSString).standardizingPath
    }
}
