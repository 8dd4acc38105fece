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
        self.init(settings: configuration.settings,
                  destinations: configuration.destinations.map(\.value),
                  routes: configuration.routes.map(\.value),
                  jobs: configuration.jobs.map(\.value))
    }

    /// Canonical JSON bytes; the config digest is the SHA-256 of these.
    public func canonicalJSON() throws -> [UInt8] {
        Array(try JSONEncoder.canonical.encode(self))
    }
}
