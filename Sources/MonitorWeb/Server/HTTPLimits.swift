#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bounds of the daemon's HTTP server, so that idle or slow clients cannot hold it:
/// a connection must send a complete request head within `requestHead` of opening, a kept-alive
/// connection with no new request for `idle` is closed, and at most `maxConnections` are open
/// at once (`ConnectionLimiter` decides what happens past that).
public struct HTTPLimits: Sendable, Equatable {
    public var requestHead: Duration
    public var idle: Duration
    public var maxConnections: Int

    public init(requestHead: Duration = .seconds(10), idle: Duration = .seconds(60), maxConnections: Int = HTTPLimits.connectionsForOpenFileLimit()) {
        self.requestHead = requestHead
        self.idle = idle
        self.maxConnections = maxConnections
    }

    /// Half the process's open-file limit (`ulimit -n`) less a reserve for the state database,
    /// logs and outgoing notifications, between 16 and 1024: 96 under `ulimit -n 256`, 480
    /// under the usual 1024.
    public static func connectionsForOpenFileLimit() -> Int {
        var limit = rlimit()
        #if canImport(Glibc)
            let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
            let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return 256 }
        let files = Int(clamping: limit.rlim_cur)  // RLIM_INFINITY clamps to Int.max
        return min(1024, max(16, files / 2 - 32))
    }
}
