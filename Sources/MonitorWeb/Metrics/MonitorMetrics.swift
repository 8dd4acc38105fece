import Foundation
import MonitorCore
import MonitorStore
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
    /// `monitor_agent_up{agent}` of a shared state (SPEC §12), one series per agent ever seen.
    private let agents = Mutex<[String: Gauge]>([:])

    /// A job's series. Every one exists from the job's first apply, so that an alert on an
    /// absent or old value also fires for a job that never succeeded.
    private struct JobSeries {
        var status: [JobStatus: Gauge]
        /// 0 until the job's first success.
        var lastSuccess: Gauge
        /// 0 without a current version.
        var currentBytes: Gauge
        /// Kept versions the scrub found changed on disk (SPEC §15).
        var corrupted: Gauge
        /// `monitor_job_info{backup_job, LABEL...} 1`, and the labels it was made with.
        var info: Gauge
        var labels: [String: String]
        /// `monitor_job_source{backup_job, source} 1` (SPEC §13), and the source it was made with.
        var source: Gauge
        var sourceKind: Source.Kind

        var gauges: [Gauge] { Array(status.values) + [lastSuccess, currentBytes, corrupted, info, source] }
    }

    /// The label naming the job on every per-job series. Not `job`: Prometheus keeps that one for
    /// the scrape target and would rename ours to `exported_job`.
    static let jobLabel = "backup_job"

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
        registry.makeGauge(
            descriptor: name("build_info", "", "Always 1; its labels say which monitor runs."), labels: [("version", MonitorVersion.current)]
        )
        .set(to: 1)
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

    /// The Prometheus text exposition, with per-job series set from `views` and per-agent ones from `agents`.
    func render(jobs views: [JobView], agents records: [AgentRecord] = []) -> [UInt8] {
        agents.withLock { series in
            for agent in records {
                let gauge =
                    series[agent.name]
                    ?? registry.makeGauge(
                        descriptor: MetricNameDescriptor(
                            namespace: "monitor", metricName: "agent_up", unitName: "",
                            helpText: "1 while the agent of this host reports at every scan, 0 once it is down."),
                        labels: [("agent", agent.name)])
                gauge.set(to: agent.isDown ? 0 : 1)
                series[agent.name] = gauge
            }
        }
        jobs.withLock { series in
            let current = Set(views.map(\.name))
            for (name, old) in series where !current.contains(name) {
                old.gauges.forEach(registry.unregisterGauge)
                series[name] = nil
            }
            for view in views {
                var entry = series[view.name] ?? makeSeries(job: view.name, labels: view.labels, source: view.source)
                if entry.labels != view.labels {
                    // An apply changed the job's labels: its info series is another series now.
                    registry.unregisterGauge(entry.info)
                    entry.info = makeInfoGauge(job: view.name, labels: view.labels)
                    entry.labels = view.labels
                }
                if entry.sourceKind != view.source {
                    registry.unregisterGauge(entry.source)
                    entry.source = makeSourceGauge(job: view.name, source: view.source)
                    entry.sourceKind = view.source
                }
                for (status, gauge) in entry.status { gauge.set(to: status == view.status ? 1.0 : 0.0) }
                entry.lastSuccess.set(to: view.lastSuccessAt?.timeIntervalSince1970 ?? 0)
                entry.currentBytes.set(to: Double(view.currentVersion?.bytes ?? 0))
                entry.corrupted.set(to: Double(view.corruptedVersions))
                series[view.name] = entry
            }
        }
        return registry.emitToBuffer()
    }

    private func makeSeries(job: String, labels: [String: String], source: Source.Kind) -> JobSeries {
        func gauge(_ metric: String, _ unit: String, _ help: String) -> Gauge {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "monitor", metricName: metric, unitName: unit, helpText: help),
                labels: [(Self.jobLabel, job)])
        }
        let statusDescriptor = MetricNameDescriptor(
            namespace: "monitor", metricName: "job_status", unitName: "", helpText: "1 for the job's current status, 0 for the others.")
        return JobSeries(
            status: Dictionary(
                uniqueKeysWithValues: JobStatus.allCases.map { status in
                    (status, registry.makeGauge(descriptor: statusDescriptor, labels: [(Self.jobLabel, job), ("status", status.rawValue)]))
                }),
            lastSuccess: gauge("last_success", "timestamp_seconds", "When the job's last successful backup finished (Unix time); 0 if never."),
            currentBytes: gauge("current_version", "bytes", "Size of the job's current version; 0 without one."),
            corrupted: gauge(
                "corrupted_versions", "", "Kept versions of the job that the scrub found changed, missing or unreadable on disk."),
            info: makeInfoGauge(job: job, labels: labels), labels: labels,
            source: makeSourceGauge(job: job, source: source), sourceKind: source)
    }

    /// `monitor_job_source{backup_job="db", source="ping"} 1`: where the job's runs come from.
    /// A series of its own, so that no configured label can clash with it in `monitor_job_info`.
    private func makeSourceGauge(job: String, source: Source.Kind) -> Gauge {
        let gauge = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "monitor", metricName: "job_source", unitName: "",
                helpText: "Always 1; its source label says where the job's runs come from (status_file, ping, restic, borg)."),
            labels: [(Self.jobLabel, job), ("source", source.rawValue)])
        gauge.set(to: 1)
        return gauge
    }

    /// `monitor_job_info{backup_job="db", team="data", env="prod"} 1`: the configuration's labels,
    /// to join on in alert rules. Label names are made valid for Prometheus (`.` and `-` become
    /// `_`); one that would clash with `backup_job` or a reserved `__` name gets a `label_` prefix.
    private func makeInfoGauge(job: String, labels: [String: String]) -> Gauge {
        var pairs = [(Self.jobLabel, job)]
        var used: Set<String> = [Self.jobLabel]
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            var name = String(key.map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "_" ? $0 : "_" })
            if name.first?.isNumber == true || name.hasPrefix("__") || used.contains(name) { name = "label_" + name }
            guard used.insert(name).inserted else { continue }
            pairs.append((name, value))
        }
        let info = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "monitor", metricName: "job_info", unitName: "", helpText: "Always 1; its labels are the job's configured labels."),
            labels: pairs)
        info.set(to: 1)
        return info
    }
}
