/// A whole, validated configuration: what the operator declared, merged from every file.
///
/// Objects are sorted by name and each carries where it was declared.
public struct Configuration: Sendable, Hashable {
    public var settings: Settings
    public var destinations: [Located<Destination>]
    public var routes: [Located<AlertRoute>]
    public var jobs: [Located<Job>]
    /// The files read, in the order they were merged.
    public var files: [String]

    public init(settings: Settings, destinations: [Located<Destination>], routes: [Located<AlertRoute>], jobs: [Located<Job>], files: [String]) {
        self.settings = settings
        self.destinations = destinations.sorted { $0.value.name < $1.value.name }
        self.routes = routes.sorted { $0.value.name < $1.value.name }
        self.jobs = jobs.sorted { $0.value.name < $1.value.name }
        self.files = files
    }

    public func destination(named name: String) -> Destination? {
        destinations.first { $0.value.name == name }?.value
    }

    /// The machine that holds `destination`: its `host`, else `settings.default_host`.
    public func host(of destination: Destination) -> String? {
        destination.effectiveHost(settings: settings)
    }

    /// The destinations held by the machine `host` (compared as written), in name order.
    public func destinations(onHost host: String) -> [Destination] {
        destinations.map(\.value).filter { $0.effectiveHost(settings: settings) == host }
    }

    /// The destinations that belong to no machine: no `host` and no `settings.default_host`.
    /// `check` refuses them when `settings.state` is a PostgreSQL URL; a command given such a
    /// state by `--state` or `$MONITOR_STATE` finds them here.
    public var destinationsWithoutHost: [Located<Destination>] {
        destinations.filter { $0.value.effectiveHost(settings: settings) == nil }
    }

    public func route(named name: String) -> AlertRoute? {
        routes.first { $0.value.name == name }?.value
    }

    public func job(named name: String) -> Job? {
        jobs.first { $0.value.name == name }?.value
    }
}
