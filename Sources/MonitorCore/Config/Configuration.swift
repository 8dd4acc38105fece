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

    public func route(named name: String) -> AlertRoute? {
        routes.first { $0.value.name == name }?.value
    }

    public func job(named name: String) -> Job? {
        jobs.first { $0.value.name == name }?.value
    }
}
