import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Judges the job of a ping soon after the ping arrives (SPEC §13), instead of at the next
/// scheduled scan: the ping routes name the job here, and this service scans the jobs named
/// meanwhile through the scan coordinator, one scan at a time with every other scan.
///
/// Its work is bounded whatever the rate of pings: the jobs waiting are a set of names (at most
/// the configured ping jobs), a burst of pings is one wake-up, and the scans that follow run one
/// after another, each covering every job pinged since the previous one began.
public final class PingJudge: Service, Sendable {
    private let coordinator: ScanCoordinator
    private let waiting = Mutex<Set<String>>([])
    private let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// How long it lets pings gather before a scan: a start and its finish a moment apart, or a
    /// flood of pings, are judged in one scan.
    let gathering: Duration
    /// The least time between the starts of two of its scans: under a flood of pings it scans
    /// about once a second, not back to back (each scan also rebuilds the jobs document).
    let spacing: Duration
    let logger: Logger

    init(coordinator: ScanCoordinator, gathering: Duration = .milliseconds(200), spacing: Duration = .seconds(1), logger: Logger) {
        self.coordinator = coordinator
        self.gathering = gathering
        self.spacing = spacing
        self.logger = logger
        (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for `job` to be judged soon; returns at once.
    func judge(_ job: String) {
        waiting.withLock { _ = $0.insert(job) }
        wake.yield()
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            var lastScan: ContinuousClock.Instant?
            for await _ in wakeUps {
                try? await Task.sleep(for: gathering)
                if let lastScan { try? await Task.sleep(until: lastScan.advanced(by: spacing), clock: .continuous) }
                lastScan = .now
                let jobs = waiting.withLock { names in
                    defer { names.removeAll() }
                    return names
                }
                guard !jobs.isEmpty else { continue }
                do {
                    _ = try await coordinator.scan(jobs: jobs)
                } catch {
                    // Logged by the scan pass; the next full scan judges these jobs anyway.
                }
            }
        }
    }
}
