import Foundation
import MonitorCore
import MonitorStore

/// The runs of a `source: ping` job (SPEC §13), from the pings the daemon stored
/// (``StateStore/record(ping:)``): a success or `/0` is a SUCCESS finished when it arrived, with
/// the time since its start as the run's duration; `/fail` or `/1`–`/255` is FAILED with the
/// request body as the message; a start that no finish ended within ``MonitorCore/Job/startDeadline``
/// is FAILED once the scan's `now` is past that. `/log` pings are never runs.
///
/// Each scan reads at most ``batch`` unprocessed pings of the job (a flood is judged over
/// several scans, never in one unbounded read) and marks those whose runs the ledger already
/// holds as processed, which also trims the job's old pings.
public struct PingSource: RunSource {
    /// Pings read per job and scan.
    public var batch = 500

    public init() {}

    public func read(_ active: ActiveJob, settings: Settings?, store: StateStore, now: Date) -> StatusOutcome {
        let job = active.job
        // A batch whose runs were all recorded by the previous scan is marked processed and the
        // next one read, a few times at most: a flood drains in a few scans, each bounded.
        for _ in 0..<4 {
            let pings: [StoredPing]
            do {
                pings = try store.unprocessedPings(job: job.name, limit: batch)
            } catch {
                return .postponed("cannot read the pings of job \(job.name): \(error.description)")
            }
            var runs: [(ping: StoredPing, run: StatusEvidence)] = []
            for ping in pings {
                if let run = Self.run(of: ping, job: job, now: now) { runs.append((ping, run)) }
            }
            do {
                let recorded = try store.recordedRuns(job: job.name, among: runs.compactMap { $0.run.record?.sha256 })
                let done = runs.filter { recorded.contains($0.run.record?.sha256 ?? "") }.map(\.ping.id)
                if !done.isEmpty { try store.markPingsProcessed(job: job.name, ids: done) }
                // By the time each speaks for, then in the order the pings came.
                let fresh = runs.filter { !recorded.contains($0.run.record?.sha256 ?? "") }
                    .sorted { ($0.run.instant, $0.ping.id) < ($1.run.instant, $1.ping.id) }.map(\.run)
                if !fresh.isEmpty || pings.count < batch || done.isEmpty {
                    return .runs(fresh, unreadable: nil)
                }
            } catch {
                return .postponed("cannot read the ledger of job \(job.name): \(error.description)")
            }
        }
        return .runs([], unreadable: nil)
    }

    /// The run one ping stands for as of `now`; nil for a log, or a start still within its deadline.
    static func run(of ping: StoredPing, job: Job, now: Date) -> StatusEvidence? {
        switch ping.kind {
        case .log:
            return nil
        case .start:
            let deadline = ping.receivedAt.addingTimeInterval(Double(job.startDeadline.seconds))
            guard now >= deadline else { return nil }
            let message =
                "started at \(Timestamp.string(ping.receivedAt)) and did not finish within \(job.startDeadline)"
                + (ping.open ? "" : " (a later start replaced it)")
            return evidence(
                key: RunKey.make(.ping, id: "start-\(ping.id)"), verdict: .failed, finishedAt: deadline, instant: ping.receivedAt,
                message: message, duration: nil, receivedAt: ping.receivedAt)
        case .success, .fail:
            let failed = ping.kind == .fail
            let body = ping.body.isEmpty ? nil : ping.body
            let message: String? =
                switch (failed, ping.exitCode) {
                case (true, let code?): "exit status \(code)" + (body.map { ": \($0)" } ?? "")
                case (true, nil): body ?? "the producer reported a failure (/fail ping)"
                case (false, _): body
                }
            let duration = ping.startedAt.map { ping.receivedAt.timeIntervalSince($0) }.flatMap { $0 >= 0 ? $0 : nil }
            return evidence(
                key: RunKey.make(.ping, id: "\(ping.id)"), verdict: failed ? .failed : .success, finishedAt: ping.receivedAt,
                instant: ping.receivedAt, message: message, duration: duration, receivedAt: ping.receivedAt)
        }
    }

    private static func evidence(
        key: String, verdict: Verdict, finishedAt: Date, instant: Date, message: String?, duration: TimeInterval?, receivedAt: Date
    ) -> StatusEvidence {
        StatusEvidence(
            evidence: Evidence(
                finishedAt: finishedAt, verdict: verdict, message: message, versionID: nil,
                figures: RunFigures(duration: duration).nilIfEmpty),
            record: StatusFileRecord(
                sha256: key, scheduledAt: nil, status: verdict == .success ? .success : .failed, finishedAt: finishedAt,
                receivedAt: receivedAt, verdict: verdict, message: message),
            instant: instant)
    }
}
