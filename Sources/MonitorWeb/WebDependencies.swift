import Foundation
import Logging
import MonitorCore
import MonitorStore

/// What the routes and services of the daemon share: one state, one scan coordinator, the
/// applied settings as last read, the metrics registry, the environment (for the API token)
/// and the clock, which tests pin.
public struct WebDependencies: Sendable {
    public let store: StateStore
    public let settings: AppliedSettings
    public let metrics: MonitorMetrics
    public let jobsCache: JobsDocumentCache
    let jobsSource: JobsDocumentSource
    public let scans: ScanCoordinator
    /// Scans a pinged job soon after its ping (SPEC §13); runs as a service of the HTTP server.
    public let pingJudge: PingJudge
    /// Whether the state file is still the one opened at start (`/healthz`, every scan).
    public let stateFile: StateFileWatch
    public let environment: [String: String]
    public let clock: @Sendable () -> Date
    public let logger: Logger
    /// The host this daemon is the agent of, with a shared state (SPEC §12); nil otherwise.
    public let agent: String?

    /// Reads the applied settings once, then builds the shared parts.
    public init(
        store: StateStore, environment: [String: String], clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "monitor.run"), agent: String? = nil
    ) throws(StoreError) {
        self.store = store
        self.agent = store.isShared ? agent : nil
        self.settings = AppliedSettings(try AppliedSettings.read(from: store))
        self.metrics = MonitorMetrics()
        self.jobsCache = JobsDocumentCache()
        self.jobsSource = JobsDocumentSource(reader: StateReader(store: store), clock: clock)
        self.stateFile = StateFileWatch(path: store.path, logger: logger)
        self.scans = ScanCoordinator(
            store: store, stateFile: stateFile, settings: settings, metrics: metrics, jobsCache: jobsCache,
            jobsSource: jobsSource, clock: clock, logger: logger, agent: self.agent)
        self.pingJudge = PingJudge(coordinator: scans, logger: logger)
        self.environment = environment
        self.clock = clock
        self.logger = logger
    }

    var reader: StateReader { StateReader(store: store) }
}
