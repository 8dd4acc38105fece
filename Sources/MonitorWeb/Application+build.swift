import Hummingbird
import Logging
import MonitorCore

/// Every route of SPEC §9 on one router, errors answered as JSON.
public func buildRouter(_ dependencies: WebDependencies) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: JSONErrorMiddleware(logger: dependencies.logger))
    // On the router, not the `api` group, so an unknown /api path is refused like a known one.
    router.add(middleware: APIAccessMiddleware(settings: dependencies.settings, environment: dependencies.environment))
    DashboardController().addRoutes(to: router.group())
    HealthController(dependencies: dependencies).addRoutes(to: router.group())
    MetricsController(dependencies: dependencies).addRoutes(to: router.group())
    JobsController(dependencies: dependencies).addRoutes(to: router.group("api"))
    JobHistoryController(dependencies: dependencies).addRoutes(to: router.group("api"))
    return router
}

/// The HTTP server of `monitor run`, listening on `listen`.
public func buildApplication(_ dependencies: WebDependencies, listen: ListenAddress) -> some ApplicationProtocol {
    Application(
        router: buildRouter(dependencies),
        configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "monitor"),
        logger: dependencies.logger
    )
}
