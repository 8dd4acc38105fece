import Hummingbird
import Logging
import MonitorCore
import NIOCore

/// Every route of SPEC §9 on one router, errors answered as JSON. `HEAD` is answered on every
/// `GET` route by the router itself (same status and headers, no body).
public func buildRouter(_ dependencies: WebDependencies, listen: ListenAddress) -> Router<MonitorRequestContext> {
    let router = Router(context: MonitorRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: JSONErrorMiddleware(logger: dependencies.logger))
    router.add(middleware: HostCheckMiddleware(listen: listen, settings: dependencies.settings))
    DashboardController().addRoutes(to: router.group())
    HealthController(dependencies: dependencies).addRoutes(to: router.group())
    MetricsController(dependencies: dependencies).addRoutes(to: router.group())
    // Healthchecks-style pings (SPEC §13): their key is their secret, so no API token rule.
    PingController(dependencies: dependencies, judge: dependencies.pingJudge, recorder: PingRecorder(store: dependencies.store))
        .addRoutes(to: router.group("ping"))
    // The token rule sits on the `api` group: it runs for whatever the router dispatched to an
    // API route, however the path was spelled; unknown API paths are routes of the group too.
    let api = router.group("api").add(middleware: APIAccessMiddleware(settings: dependencies.settings, environment: dependencies.environment))
    JobsController(dependencies: dependencies).addRoutes(to: api)
    JobHistoryController(dependencies: dependencies).addRoutes(to: api)
    JobPingsController(dependencies: dependencies).addRoutes(to: api)
    AgentsController(dependencies: dependencies).addRoutes(to: api)
    UnknownAPIRoutes().addRoutes(to: api)
    return router
}

/// The HTTP server of `monitor run`, listening on `listen`, within `limits` (request-head and
/// idle timeouts, a connection limit).
public func buildApplication(_ dependencies: WebDependencies, listen: ListenAddress, limits: HTTPLimits = HTTPLimits()) -> some ApplicationProtocol {
    let connections = ConnectionGuard(limits: limits, logger: dependencies.logger)
    return Application(
        router: buildRouter(dependencies, listen: listen),
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [ConnectionGuardHandler(connections: connections)],
                idleTimeout: TimeAmount(limits.idle))),
        configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "monitor"),
        services: [dependencies.pingJudge],
        logger: dependencies.logger
    )
}
