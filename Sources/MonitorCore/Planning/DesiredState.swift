import Foundation

/// The configuration as the state stores it: no source locations, objects sorted by name.
/// Equal desired states mean the same monitoring, however the YAML was laid out.
public struct DesiredState: Sendable, Hashable, Codable {
    public var settings: Settings
    public var destinations: [Destination]
    public var routes: [AlertRoute]
    public var jobs: [Job]

    public init(settings: Settings, destinations: [Destination], routes: [AlertRoute], jobs: [Job]) {
        self.settings = settings
        self.destinations = destinations.sorted { $0.name < $1.name }
        self.routes = routes.sorted { $0.name < $1.name }
        self.jobs = jobs.sorted { $0.name < $1.name }
    }

    public init(_ configuration: Configuration) {
        self.init(
            settings: configuration.settings,
            destinations: configuration.destinations.map(\.value),
            routes: configuration.routes.map(\.value),
            jobs: configuration.jobs.map(\.value))
    }

    /// Canonical JSON bytes; the config digest is the SHA-256 of these.
    public func canonicalJSON() throws -> [UInt8] {
        try canonicalEncoding().document
    }

    /// The canonical JSON of the whole state and of every object in it, each object encoded
    /// once: `apply` stores both, and encoding 10,000 jobs twice was a tenth of its time.
    /// `document` is byte for byte what `JSONEncoder.canonical` makes of the whole state.
    public func canonicalEncoding() throws -> CanonicalEncoding {
        let encoder = JSONEncoder.canonical
        func encode(_ value: some Encodable) throws -> [UInt8] { Array(try encoder.encode(value)) }
        let destinations = try self.destinations.map(encode)
        let jobs = try self.jobs.map(encode)
        let routes = try self.routes.map(encode)
        let settings = try encode(self.settings)

        // The keys in sorted order, as `.sortedKeys` writes them: destinations, jobs, routes, settings.
        var document: [UInt8] = []
        document.reserveCapacity((destinations + jobs + routes).reduce(settings.count + 64) { $0 + $1.count + 1 })
        func append(_ text: String) { document.append(contentsOf: text.utf8) }
        func appendArray(_ key: String, _ items: [[UInt8]]) {
            append("\"\(key)\":[")
            for (index, item) in items.enumerated() {
                if index > 0 { append(",") }
                document.append(contentsOf: item)
            }
            append("]")
        }
        append("{")
        appendArray("destinations", destinations)
        append(",")
        appendArray("jobs", jobs)
        append(",")
        appendArray("routes", routes)
        append(",\"settings\":")
        document.append(contentsOf: settings)
        append("}")

        func byName(_ names: [String], _ items: [[UInt8]]) -> [String: String] {
            Dictionary(zip(names, items.map { String(decoding: $0, as: UTF8.self) })) { first, _ in first }
        }
        return CanonicalEncoding(
            document: document, settings: String(decoding: settings, as: UTF8.self),
            destinations: byName(self.destinations.map(\.name), destinations),
            routes: byName(self.routes.map(\.name), routes),
            jobs: byName(self.jobs.map(\.name), jobs))
    }
}

/// See ``DesiredState/canonicalEncoding()``.
public struct CanonicalEncoding: Sendable {
    /// The whole state; the config digest is the SHA-256 of these bytes.
    public var document: [UInt8]
    /// Each object's own canonical JSON, by name.
    public var settings: String
    public var destinations: [String: String]
    public var routes: [String: String]
    public var jobs: [String: String]
}
