import Foundation
import Hummingbird
import MonitorCore
import MonitorStore

/// `GET /healthz`: 200 while the last scan is at most 2 × `scan_interval` old, 503 otherwise
/// (or before the first scan, or when the state file was removed or replaced under the daemon),
/// with a small JSON body saying why.
struct HealthController<Context: RequestContext> {
    let dependencies: WebDependencies

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("healthz", use: health)
    }

    struct Health: Encodable {
        var status: String
        var lastScanAt: String?
        var ageSeconds: Int?
        var scanIntervalSeconds: Int64

        enum CodingKeys: String, CodingKey {
            case status
            case lastScanAt = "last_scan_at"
            case ageSeconds = "age_seconds"
            case scanIntervalSeconds = "scan_interval_seconds"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(status, forKey: .status)
            try c.encode(lastScanAt, forKey: .lastScanAt)
            try c.encode(ageSeconds, forKey: .ageSeconds)
            try c.encode(scanIntervalSeconds, forKey: .scanIntervalSeconds)
        }
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        let now = dependencies.clock()
        let interval = dependencies.settings.current.scanInterval.seconds
        if let problem = dependencies.stateFile.problem() {
            return try .json(Health(status: problem, scanIntervalSeconds: interval), status: .serviceUnavailable)
        }
        let last = try await dependencies.reader.read { store throws(StoreError) in try store.lastScan()?.finishedAt }
        guard let last else {
            return try .json(Health(status: "no scan yet", scanIntervalSeconds: interval), status: .serviceUnavailable)
        }
        let age = now.timeIntervalSince(last)
        let fresh = age <= Double(2 * interval)
        return try .json(
            Health(
                status: fresh ? "ok" : "stale: the last scan is older than 2 × scan_interval",
                lastScanAt: Timestamp.string(last), ageSeconds: Int(age.rounded(.down)), scanIntervalSeconds: interval),
            status: fresh ? .ok : .serviceUnavailable)
    }
}
