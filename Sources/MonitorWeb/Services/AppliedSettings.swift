import MonitorCore
import MonitorStore
import Synchronization

/// The settings of the applied revision as the daemon last read them (at start and after every
/// scan), so a newly applied `scan_interval` or `api_token_env` is picked up without a restart
/// and requests never decode the whole applied configuration.
public final class AppliedSettings: Sendable {
    private let value: Mutex<Settings>

    public init(_ settings: Settings) {
        value = Mutex(settings)
    }

    /// Reads the applied settings of `store`, or the defaults when nothing was applied yet.
    public static func read(from store: StateStore) throws(StoreError) -> Settings {
        try store.appliedRouting()?.settings ?? Settings(state: store.path)
    }

    public var current: Settings {
        value.withLock { $0 }
    }

    public func update(_ settings: Settings) {
        value.withLock { $0 = settings }
    }
}
