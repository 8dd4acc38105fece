import Foundation
import Logging
import MonitorCore
import MonitorRuntime
import MonitorStore

#if canImport(Glibc)
    import Glibc
#endif

/// What the demo built: where, how long it took, and each job as `monitor status` shows it.
struct DemoBuild: Sendable {
    var sandbox: DemoSandbox
    var scenario: DemoScenario
    var views: [JobView]
    /// The run of postgres-prod whose files arrived after its window.
    var lateRun: Date?
    /// Where the pending job's files wait for `monitor seal`, and when its window closes.
    var pendingStaging: String
    var pendingWindowEnd: Date
    var seconds: TimeInterval
}

extension DemoSandbox {
    /// Writes the configuration, applies it as of three weeks ago, replays the simulated
    /// producers with a scan after each (the clock simulated, as `monitor scan --now` does),
    /// adds the pending job in a second revision, and scans everything at `now`. Everything
    /// goes through the code the commands use: the loader, the planner and the state's apply,
    /// the status-file writer of `monitor seal`, and the scanner (promotion included).
    func build(scenario: DemoScenario, logger: Logger) throws(DemoError) -> DemoBuild {
        let started = Date()
        for folder in ["backups/nas", "backups/offsite", "state"] {
            do { try FileManager.default.createDirectory(atPath: path(folder), withIntermediateDirectories: true) } catch {
                throw .cannotPrepare(path: path(folder), reason: Self.describe(error))
            }
        }
        let store: StateStore
        do { store = try StateStore.open(path: statePath, create: true) } catch { throw .store(error) }
        let first = try apply(scenario.yaml(includingPendingJob: false), to: store, at: scenario.historyStart)
        let scanner = MonitorRuntime.Scanner(store: store, sources: RunSources.standard(), logger: logger)

        var steps: [(time: Date, order: Int, step: Step)] = []
        var lateRun: Date?
        for producer in scenario.producers {
            guard let job = first.job(named: producer.job), let destination = first.destination(named: job.destination) else {
                throw .invalidConfiguration("job \(producer.job) is not in the demo configuration")
            }
            let schedule = OccurrenceSchedule(job: job)
            let runs = schedule.newOccurrences(activeSince: scenario.historyStart, lastKnown: nil, now: scenario.now).occurrences
                .filter { $0.scheduledAt.addingTimeInterval(producer.duration) <= scenario.now }
            let staging = ((destination.path as NSString).appendingPathComponent(job.name) as NSString).appendingPathComponent("staging")
            for (index, run) in runs.enumerated() {
                let outcome = producer.outcome(index, runs.count)
                var finished = run.scheduledAt.addingTimeInterval(producer.duration)
                switch outcome {
                case .missing:
                    continue
                case .late:
                    // A scan after the window declares the run MISSING; the files come later.
                    steps.append((run.windowEnd.addingTimeInterval(60), steps.count, .scan(job: job.name)))
                    finished = run.windowEnd.addingTimeInterval(40 * 60)
                    lateRun = run.scheduledAt
                case .success, .failed, .hashMismatch, .shrunk:
                    break
                }
                guard finished <= scenario.now else { continue }
                let produce = Production(
                    producer: producer, staging: staging, index: index, outcome: outcome,
                    startedAt: finished.addingTimeInterval(-producer.duration), finishedAt: finished)
                steps.append((finished, steps.count, .produce(produce)))
                steps.append((min(finished.addingTimeInterval(120), scenario.now), steps.count, .scan(job: job.name)))
            }
        }
        steps.append((scenario.pendingJobAddedAt, steps.count, .addPendingJob))
        steps.sort { ($0.time, $0.order) < ($1.time, $1.order) }

        var pendingStaging = ""
        var pendingWindowEnd = scenario.now
        for (time, _, step) in steps {
            switch step {
            case .produce(let production):
                try production.run()
            case .scan(let job):
                try scan(scanner, at: time, jobs: [job])
            case .addPendingJob:
                let second = try apply(scenario.yaml(includingPendingJob: true), to: store, at: time)
                guard let job = second.job(named: DemoScenario.pendingJob), let destination = second.destination(named: job.destination) else {
                    throw .invalidConfiguration("job \(DemoScenario.pendingJob) is not in the demo configuration")
                }
                pendingWindowEnd = OccurrenceSchedule(job: job).attribute(finishedAt: scenario.now)?.windowEnd ?? scenario.now
                pendingStaging = ((destination.path as NSString).appendingPathComponent(job.name) as NSString).appendingPathComponent("staging")
                for (index, file) in scenario.pendingFiles.enumerated() {
                    try Production.write(
                        DemoScenario.content(job: job.name, file: file.path, run: index, size: file.size),
                        to: (pendingStaging as NSString).appendingPathComponent(file.path))
                }
            }
        }
        try scan(scanner, at: scenario.now, jobs: [])
        try corruptOldestVersion(of: DemoScenario.corruptedJob, scenario: scenario, store: store, logger: logger)

        let views: [JobView]
        do { views = try store.jobViews(now: scenario.now) } catch { throw .store(error) }
        return DemoBuild(
            sandbox: self, scenario: scenario, views: views, lateRun: lateRun, pendingStaging: pendingStaging,
            pendingWindowEnd: pendingWindowEnd, seconds: Date().timeIntervalSince(started))
    }

    private enum Step {
        case produce(Production)
        case scan(job: String)
        case addPendingJob
    }

    /// Writes `yaml` as the sandbox's configuration, loads it as every command does, and applies it
    /// as of `time`. Returns what was applied.
    private func apply(_ yaml: String, to store: StateStore, at time: Date) throws(DemoError) -> Configuration {
        try Production.write(Data(yaml.utf8), to: configPath)
        let result = ConfigLoader().load(path: configPath)
        guard let configuration = result.configuration else {
            throw .invalidConfiguration(DiagnosticFormatter(sources: result.sources).render(result.diagnostics.sorted(), as: .text))
        }
        let context = ApplyContext(
            configPath: configPath, git: nil, user: ApplyContextProbe.user(),
            host: ProcessInfo.processInfo.hostName, now: time)
        do {
            let applied = try store.appliedState()
            try store.apply(DesiredState(configuration), baseRevision: applied.revision, context: context)
        } catch {
            throw .store(error)
        }
        return configuration
    }

    /// Something changed one byte of the job's oldest kept version on disk; a check of every
    /// kept version (what `monitor verify` and the daemon's scrub do) marks it CORRUPTED.
    private func corruptOldestVersion(of job: String, scenario: DemoScenario, store: StateStore, logger: Logger) throws(DemoError) {
        let versions = path("backups/nas/\(job)/versions")
        let oldest = ((try? FileManager.default.contentsOfDirectory(atPath: versions)) ?? []).filter { !$0.hasPrefix(".") }.sorted().first
        guard let oldest, let file = scenario.producers.first(where: { $0.job == job })?.files.first else { return }
        let target = (versions as NSString).appendingPathComponent("\(oldest)/\(file.path)")
        let fd = open(target, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .write(path: target, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var byte = UInt8(ascii: "#")
        guard pwrite(fd, &byte, 1, 0) == 1 else { throw .write(path: target, reason: String(cString: strerror(errno))) }
        let now = scenario.now
        var quiet = logger  // the corruption is the demo's own doing: no error in the log
        quiet.logLevel = .critical
        do { _ = try Scrubber(store: store, logger: quiet).run(.everything, jobs: [job], clock: { now }) } catch { throw .store(error) }
    }

    private func scan(_ scanner: MonitorRuntime.Scanner, at time: Date, jobs: [String]) throws(DemoError) {
        let summary: ScanSummary
        do { summary = try scanner.scan(now: time, jobs: jobs) } catch { throw .store(error) }
        if let error = summary.errors.first { throw .scan(job: error.job, message: error.message) }
    }
}

/// One run of a simulated producer: its files into staging, then the status file, written by
/// the same code as `monitor seal`.
private struct Production {
    var producer: DemoScenario.Producer
    var staging: String
    var index: Int
    var outcome: DemoScenario.Outcome
    var startedAt: Date
    var finishedAt: Date

    func run() throws(DemoError) {
        let job = producer.job
        if case .failed = outcome {
        } else {
            for file in producer.files {
                let usual = DemoScenario.size(file, run: index)
                let size = outcome == .shrunk ? usual * 8 / 100 : usual
                try Self.write(
                    DemoScenario.content(job: job, file: file.path, run: index, size: size),
                    to: (staging as NSString).appendingPathComponent(file.path))
            }
        }
        let status: StatusReport.Outcome
        let message: String
        switch outcome {
        case .failed(let text): (status, message) = (.failed, text)
        case .late: (status, message) = (.success, "finished late: the database was busy with a migration")
        default: (status, message) = (.success, "simulated by monitor demo, run \(index + 1)")
        }
        do {
            _ = try StatusFileWriter.seal(
                folder: staging, status: status, job: job, message: message,
                startedAt: startedAt, finishedAt: finishedAt)
        } catch {
            throw .seal(error)
        }
        if outcome == .hashMismatch, let file = producer.files.first {
            // Something rewrote the file after it was sealed: same size, other bytes.
            let size = DemoScenario.size(file, run: index)
            try Self.write(
                DemoScenario.content(job: job, file: file.path, run: index + 1_000, size: size),
                to: (staging as NSString).appendingPathComponent(file.path))
        }
    }

    /// Writes a simulated backup file. Plain `write(2)`s without a flush: these bytes are made
    /// up, and Foundation's `Data.write` flushes each file to disk, which made the demo slow.
    static func write(_ data: Data, to path: String) throws(DemoError) {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw .write(path: path, reason: DemoSandbox.describe(error))
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .write(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let failure = data.withUnsafeBytes { FileDescriptor.writeAll(fd, $0) }
        if let failure { throw .write(path: path, reason: String(cString: strerror(failure))) }
    }
}
