import Hummingbird
import NIOCore

/// A request context that knows the connection its request came on.
public protocol ConnectionRequestContext: RequestContext {
    /// The TCP connection of the request; its `closeFuture` completes when the client goes away.
    var channel: any Channel { get }
}

/// The request context of the daemon's routes: Hummingbird's core storage plus the connection
/// the request came on, so a handler that waits (`POST /api/scan`) can tell when its client has
/// gone and stop waiting instead of making work for nobody.
public struct MonitorRequestContext: ConnectionRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP connection of the request; its `closeFuture` completes when the client goes away.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
