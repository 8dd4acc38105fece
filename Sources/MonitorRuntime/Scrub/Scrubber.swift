import Foundation
import Logging
import MonitorCore
import MonitorStore

/// The scrub (SPEC §15): reads kept versions again and compares every file with the size and
/// SHA-256 recorded when it was promoted, so that a backup that rots on disk is found before
/// someone needs it. A changed, missing or unreadable file makes its version CORRUPTED: the
/// version is marked, and the CORRUPTED notifications are written with the mark.
///
/// The daemon runs it after each scan within `settings.scrub.budget`, the least recently checked
/// versions first; a version larger than the budget is checked over several scans, resumed at
/// the file where the last one stopped (the marks live in the state, so a restart resumes too).
/// `monitor verify` runs it over everything at once. Blocking: run it off the cooperative pool.
public struct Scrubber: Sendable {
    let store: StateStore
    let logger: Logger

    public init(store: StateStore, logger: Logger = Logger(label: "monitor.scrub")) {
        self.store = store
        self.logger = logger
    }

    /// Which versions a run checks.
    public enum Scope: Sendable {
        /// The daemon's pass: versions due under these settings (``ScrubSettings/isDue(lastChecked:now:)``),
        /// a version's round resumed at the first file it has not checked yet.
        case due(ScrubSettings)
        /// `monitor verify`: every kept version, every file, whatever was checked before.
        case everything
    }

    /// Checks versions of the active jobs `names` (all when empty) until done, until `budget`
    /// of wall time has passed (the file being read is finished first, and at least one file is
    /// always checked, so a tiny budget still makes progress), or until `stop` is raised.
    ///
    /// - Parameter clock: the time recorded as `checked_at` and in notifications (the daemon's clock).
    public func run(
        _ scope: Scope, jobs names: [String] = [], budget: Duration? = nil, clock: @escaping @Sendable () -> Date = { Date() },
        stop: ScrubStop = ScrubStop(), agent: String? = nil
    ) throws(StoreError) -> ScrubSummary {
        let deadline = budget.map { ContinuousClock.now + $0 }
        var summary = ScrubSummary()
        let targets: [ScrubTarget]
        let resume: Bool
        switch scope {
        case .due(let settings):
            targets = try store.scrubTargets(dueBefore: settings.dueBefore(now: clock()), jobs: names)
            resume = true
        case .everything:
            targets = try store.scrubTargets(dueBefore: nil, jobs: names)
            resume = false
        }
        guard !targets.isEmpty else { return summary }
        // Decode only the jobs that have something due, unless that is most of them anyway.
        let due = Set(targets.map(\.job))
        let wanted = names.isEmpty && due.count <= 500 ? due.sorted() : names
        let jobs = Dictionary(try store.activeJobs(named: wanted).map { ($0.job.name, $0) }) { a, _ in a }
        let applied = try store.appliedRouting()
        // Every silence: each is checked against the clock of the CORRUPTED event it may hold back.
        let silences = try store.silences(at: .distantPast, includingEnded: true).map(\.silence)
        let hasher = ChunkHasher()
        var checkedAnything = false
        for (index, target) in targets.enumerated() {
            guard let active = jobs[target.job] else { continue }
            // An agent of a shared state reads only the versions on its own host's disks.
            if let agent, store.isShared, let settings = applied?.settings, active.destination.effectiveHost(settings: settings) != agent {
                continue
            }
            var policy = AlertPolicy(job: active.job, reachedAmong: applied?.routes ?? [], publicURL: applied?.settings.publicURL)
            policy.silences = silences
            let check = VersionCheck(
                target: target, active: active, policy: policy,
                store: store, reader: VersionFileReader(hasher: hasher, stop: stop), resume: resume, deadline: deadline, clock: clock,
                logger: logger)
            let ending: VersionCheck.Ending
            do {
                ending = try check.run(summary: &summary, checkedAnything: &checkedAnything)
            } catch {
                summary.postponed.append((target.job, target.version.id, error.description))
                logger.error(
                    "scrub could not record a check", metadata: ["job": "\(target.job)", "version": "\(target.version.id)", "error": "\(error)"])
                continue
            }
            switch ending {
            case .complete:
                summary.versionsChecked += 1
            case .gone:
                summary.deletedByRetention += 1
            case .inPlace:
                summary.inPlace += 1
            case .postponed(let problem):
                summary.postponed.append((target.job, target.version.id, problem))
                logger.warning(
                    "scrub postponed a version", metadata: ["job": "\(target.job)", "version": "\(target.version.id)", "problem": "\(problem)"])
            case .stopped, .outOfTime:
                summary.ended = ending == .stopped ? .stopped : .budget
                summary.remaining = targets.count - index
                return summary
            }
        }
        return summary
    }
}
