import Foundation
import Hummingbird
import MonitorCore
import MonitorStore

/// `GET /healthz`: 200 while the last scan is at most 2 × `scan_interval` old, 503 otherwise
/// (or before the first scan, when the state file was removed or replaced under the daemon, or
/// when the state's database cannot be read), with a small JSON body saying why. An agent of a
/// shared state answers for its own scans.
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
        let agent = dependencies.agent
        let last: Date?
        do {
            // An agent of a shared state answers for its own scans (its heartbeats), not the others'.
            last = try await dependencies.reader.read { store throws(StoreError) in
                if let agent { return try store.agents().first { $0.name == agent }?.lastSeen }
                return try store.lastScan()?.finishedAt
            }
        } catch {
            // The database is down or refuses us: no scan can record anything until it is back.
            return try .json(Health(status: error.message, scanIntervalSeconds: interval), status: .serviceUnavailable)
        }
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
