import NIOCore
import NIOHTTPTypes

/// One per HTTP connection, after the HTTP/1 decoder: tells the `ConnectionGuard` when the
/// connection opens, starts and finishes a request and closes, and closes a connection that has
/// not sent a complete request head within `HTTPLimits.requestHead` of opening (idle sockets,
/// slowloris). Waiting between kept-alive requests is bounded by Hummingbird's idle timeout.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let connections: ConnectionGuard
    private var id: ConnectionLimiter.ID?
    private var headDeadline: Scheduled<Void>?

    init(connections: ConnectionGuard) {
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard let id = connections.opened(context.channel) else { return }
        self.id = id
        let channel = context.channel
        let logger = connections.logger
        let limit = connections.limits.requestHead
        headDeadline = context.eventLoop.scheduleTask(in: TimeAmount(limit)) {
            logger.debug("closing an HTTP connection that sent no complete request within \(limit)")
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data), let id {
            headDeadline?.cancel()
            headDeadline = nil
            connections.requestStarted(id)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), let id {
            connections.requestFinished(id)
        }
        context.write(data, promise: promise)
    }

    private func release() {
        headDeadline?.cancel()
        headDeadline = nil
        if let id {
            connections.closed(id)
            self.id = nil
        }
    }
}
