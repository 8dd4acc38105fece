import Logging
import NIOCore
import Synchronization

/// The live side of `ConnectionLimiter`, shared by every connection of one server: it keeps
/// the open channels by id, asks the limiter about each new one, closes what the limiter says
/// and logs one warning per burst when the limit is reached.
final class ConnectionGuard: Sendable {
    private struct State {
        var limiter: ConnectionLimiter
        var channels: [ConnectionLimiter.ID: any Channel] = [:]
        var nextID: ConnectionLimiter.ID = 0
    }

    private let state: Mutex<State>
    let limits: HTTPLimits
    let logger: Logger

    init(limits: HTTPLimits, logger: Logger) {
        self.state = Mutex(State(limiter: ConnectionLimiter(capacity: limits.maxConnections)))
        self.limits = limits
        self.logger = logger
    }

    /// Registers a newly accepted connection; `nil` when it was refused (and closed).
    func opened(_ channel: any Channel) -> ConnectionLimiter.ID? {
        let (id, decision, evicted) = state.withLock { state -> (ConnectionLimiter.ID, ConnectionLimiter.Decision, (any Channel)?) in
            state.nextID += 1
            let id = state.nextID
            let decision = state.limiter.opened(id)
            var evicted: (any Channel)?
            switch decision.admission {
            case .admit:
                state.channels[id] = channel
            case .admitClosing(let other):
                state.channels[id] = channel
                evicted = state.channels.removeValue(forKey: other)
            case .refuse:
                break
            }
            return (id, decision, evicted)
        }
        if decision.warn {
            logger.warning(
                "HTTP connection limit reached: \(limits.maxConnections) connections are open; the longest-idle ones are closed to make room (new ones are refused while all are busy). If this is real load, raise the open-files limit of monitor run (ulimit -n, systemd LimitNOFILE=); the limit is half of it",
                metadata: ["max_connections": "\(limits.maxConnections)"])
        }
        evicted?.close(promise: nil)
        if decision.admission == .refuse {
            channel.close(promise: nil)
            return nil
        }
        return id
    }

    func requestStarted(_ id: ConnectionLimiter.ID) {
        state.withLock { $0.limiter.requestStarted(id) }
    }

    func requestFinished(_ id: ConnectionLimiter.ID) {
        state.withLock { $0.limiter.requestFinished(id) }
    }

    func closed(_ id: ConnectionLimiter.ID) {
        state.withLock { state in
            state.channels[id] = nil
            state.limiter.closed(id)
        }
    }

    var openCount: Int { state.withLock { $0.limiter.openCount } }
}
