import Foundation
import MonitorCore
import MonitorRuntime
import Prometheus
import Synchronization

/// The daemon's Prometheus series, in one `PrometheusCollectorRegistry` owned by the daemon
/// (not the process-wide swift-metrics bootstrap, so tests can build as many as they like).
///
/// Scan and delivery counters are updated as things happen. Per-job series are brought in line
/// with the ledger when `/metrics` is scraped: the job list changes with every apply, and
/// updating the gauges at scrape time registers new jobs and unregisters retired ones without a
/// second copy of the job list to keep in sync.
public final class MonitorMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let scanDuration: Gauge
    private let lastScan: Gauge
    private let scans: Counter
    private let scanErrors: Counter
    private let sent: Counter
    private let failed: Counter
    private let gaveUp: Counter
    private let jobs = Mutex<[String: JobSeries]>([:])

    private struct JobSeries {
        var status: [JobStatus: Gauge]
        var lastSuccess: Gauge?
        /// Kept versions the scrub found changed on disk (SPEC §15).
        var corrupted: Gauge
    }

    public init() {
        func name(_ metric: String, _ unit: String = "", _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "monitor", metricName: metric, unitName: unit, helpText: help)
        }
        scanDuration = registry.makeGauge(descriptor: name("scan_duration", "seconds", "How long the last scan took."))
        lastScan = registry.makeGauge(descriptor: name("last_scan", "timestamp_seconds", "When the last successful scan finished (Unix time)."))
        scans = registry.makeCounter(descriptor: name("scans", "total", "Scans run by this daemon."))
        scanErrors = registry.makeCounter(descriptor: name("scan_errors", "total", "Jobs (or whole scans) that could not be scanned."))
        sent = registry.makeCounter(descriptor: name("notifications_sent", "total", "Notifications delivered by this daemon."))
        failed = registry.makeCounter(descriptor: name("notifications_failed", "total", "Failed delivery attempts (retried or given up)."))
        gaveUp = registry.makeCounter(descriptor: name("notifications_given_up", "total", "Notifications given up after their last attempt."))
    }

    func recordScan(seconds: Double, at finished: Date?, errors: Int) {
        scans.increment()
        scanDuration.set(to: seconds)
        if errors > 0 { scanErrors.increment(by: Int64(errors)) }
        if let finished { lastScan.set(to: finished.timeIntervalSince1970) }
    }

    func recordDeliveries(_ summary: Notifier.Summary) {
        if summary.delivered > 0 { sent.increment(by: Int64(summary.delivered)) }
        let failures = summary.retrying + summary.gaveUp
        if failures > 0 { failed.increment(by: Int64(failures)) }
        if summary.gaveUp > 0 { gaveUp.increment(by: Int64(summary.gaveUp)) }
    }

    /// The Prometheus text exposition, with per-job series set from `views`.
    func render(jobs views: [JobView]) -> [UInt8] {
        jobs.withLock { series in
            let current = Set(views.map(\.name))
            for (name, old) in series where !current.contains(name) {
                old.status.values.forEach(registry.unregisterGauge)
                old.lastSuccess.map(registry.unregisterGauge)
                registry.unregisterGauge(old.corrupted)
                series[name] = nil
            }
            for view in views {
                var entry =
                    series[view.name]
                    ?? JobSeries(status: makeStatusGauges(job: view.name), lastSuccess: nil, corrupted: makeCorruptedGauge(job: view.name))
                for (status, gauge) in entry.status { gauge.set(to: status == view.status ? 1.0 : 0.0) }
                entry.corrupted.set(to: Double(view.corruptedVersions))
                if let at = view.lastSuccessAt {
                    let gauge =
                        entry.lastSuccess
                        ?? registry.makeGauge(
                            descriptor: MetricNameDescriptor(
                                namespace: "monitor", metricName: "job_last_success", unitName: "timestamp_seconds",
                                helpText: "When the job's last successful backup finished (Unix time)."),
                            labels: [("job", view.name)])
                    gauge.set(to: at.timeIntervalSince1970)
                    entry.lastSuccess = gauge
                }
                series[view.name] = entry
            }
        }
        return registry.emitToBuffer()
    }

    private func makeCorruptedGauge(job: String) -> Gauge {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "monitor", metricName: "corrupted_versions", unitName: "",
                helpText: "Kept versions of the job that the scrub found changed, missing or unreadable on disk."),
            labels: [("job", job)])
    }

    private func makeStatusGauges(job: String) -> [JobStatus: Gauge] {
        let descriptor = MetricNameDescriptor(
            namespace: "monitor", metricName: "job_status", unitName: "",
            helpText: "1 for the job's current status, 0 for the others.")
        return Dictionary(
            uniqueKeysWithValues: JobStatus.allCases.map { status in
                (status, registry.makeGauge(descriptor: descriptor, labels: [("job", job), ("status", status.rawValue)]))
            })
    }
}
