import Foundation

/// A notification bound for one route, with the key that makes it unique in the outbox.
public struct OutboxItem: Sendable, Hashable {
    public var route: String
    /// One notification per (occurrence, verdict, route): inserting the same key twice is a no-op.
    public var dedupKey: String
    public var alert: Alert
    /// Recorded, never sent: a silence held for the job when it was recorded (SPEC §16), or it is
    /// the RESOLVED of a problem that was silenced.
    public var silenced: Bool

    public init(route: String, dedupKey: String, alert: Alert, silenced: Bool = false) {
        self.route = route
        self.dedupKey = dedupKey
        self.alert = alert
        self.silenced = silenced
    }
}

/// Who is told what after a scan changed a job's ledger (SPEC §6). Pure: values in, the
/// notifications out; the scanner writes them in the same transaction as the verdicts.
public struct AlertPolicy: Sendable {
    public var job: Job
    /// The job's routes, as applied.
    public var routes: [AlertRoute]
    public var publicURL: String?
    /// Silences kept in the state (`monitor silence add`); those the job's spec carries from
    /// YAML are read from it. Each is checked against the job and the clock of the event.
    public var silences: [Silence] = []
    /// Routes whose latest problem notification of the job was silenced: the RESOLVED that ends
    /// that problem is silenced too.
    public var silencedProblemRoutes: Set<String> = []

    public init(job: Job, routes: [AlertRoute], publicURL: String?) {
        self.job = job
        self.routes = routes
        self.publicURL = publicURL
    }

    /// The policy of `job` among every applied route: those that reach it by `routes:` or by
    /// `match:` (``AlertRoute/reaching(_:among:)``).
    public init(job: Job, reachedAmong routes: [AlertRoute], publicURL: String?) {
        self.init(job: job, routes: AlertRoute.reaching(job, among: routes), publicURL: publicURL)
    }

    /// - Parameters:
    ///   - changes: occurrences this scan decided or re-decided, with their state before.
    ///   - statusBefore / statusAfter: the job's latest decided occurrence before and after.
    ///   - stale: how the job's STALE condition (``Staleness``) changed with this scan.
    ///   - lastProblemAlert: per route, when it was last told about a problem or reminded.
    public func notifications(
        changes: [(before: Verdict?, after: OccurrenceRecord)], statusBefore: OccurrenceRecord?,
        statusAfter: OccurrenceRecord?, stale: Staleness.Change = .unchanged(stale: false), lastProblemAlert: [String: Date], now: Date
    ) -> [OutboxItem] {
        var items: [OutboxItem] = []
        let problems = changes.filter { $0.after.state.isProblem && $0.after.state != $0.before }.map(\.after)
            .sorted { $0.occurrence.scheduledAt < $1.occurrence.scheduledAt }
        for route in routes {
            var toldNow = false
            // MISSING occurrences of one scan go out as one notification; the others one each.
            let missing = problems.filter { $0.state == .missing }
            if route.on.contains(.missing), let first = missing.first, let last = missing.last {
                items.append(
                    item(
                        route, now: now,
                        key: "MISSING/\(Timestamp.string(first.occurrence.scheduledAt))/\(Timestamp.string(last.occurrence.scheduledAt))",
                        event: .missing, records: missing,
                        message: missing.count == 1 ? first.message : "\(missing.count) expected runs did not report: \(last.message ?? "")"))
                toldNow = true
            }
            for record in problems where record.state != .missing && route.on.contains(.verdict(record.state)) {
                items.append(
                    item(
                        route, now: now, key: "\(record.state.rawValue)/\(Timestamp.string(record.occurrence.scheduledAt))",
                        event: .problem(.verdict(record.state)), records: [record], message: record.message))
                toldNow = true
            }
            if case .began(let since, let message) = stale, route.on.contains(.stale) {
                let latest = (statusAfter ?? statusBefore).map { [$0] } ?? []
                items.append(item(route, now: now, key: "STALE/\(Timestamp.string(since))", event: .stale, records: latest, message: message))
                toldNow = true
            }
            if route.sendResolved, let after = statusAfter, after.state == .success {
                // Back to SUCCESS after a problem this route heard: a verdict, or a stale period it was told of.
                let endedVerdict =
                    statusBefore.map {
                        route.on.contains(.verdict($0.state)) && (after.occurrence.scheduledAt > $0.occurrence.scheduledAt || $0.state != .success)
                    } ?? false
                let endedStale = stale == .ended && route.on.contains(.stale)
                if endedVerdict || endedStale {
                    let message =
                        endedVerdict
                        ? after.message ?? "back to SUCCESS after \(statusBefore?.state.rawValue ?? "a problem")" : "a fresh backup landed"
                    var resolved = item(
                        route, now: now, key: "RESOLVED/\(Timestamp.string(after.occurrence.scheduledAt))", event: .resolved, records: [after],
                        message: message)
                    resolved.alert.resolves = statusBefore?.occurrence
                    items.append(resolved)
                }
            }
            let stillBad: Problem? =
                stale.isStale && route.on.contains(.stale)
                ? .stale
                : statusAfter.flatMap { after in
                    after.state.isProblem && route.on.contains(.verdict(after.state)) ? .verdict(after.state) : nil
                }
            if let interval = route.repeatInterval, !toldNow, let stillBad, let after = statusAfter ?? statusBefore {
                let last = lastProblemAlert[route.name]
                if last.map({ now.timeIntervalSince($0) >= TimeInterval(interval.seconds) }) ?? true {
                    let message =
                        stillBad == .stale
                        ? "still STALE: no fresh backup since \(statusAfter.map { Timestamp.string($0.finishedAt ?? $0.occurrence.scheduledAt) } ?? "the job was added")"
                        : "still \(after.state.rawValue): \(after.message ?? "no newer successful run")"
                    items.append(
                        item(route, now: now, key: "REMINDER/\(Timestamp.string(now))", event: .reminder, records: [after], message: message))
                }
            }
        }
        return silencing(items, now: now)
    }

    /// The notifications for versions a scrub (or `monitor verify`) found changed on disk: one
    /// per (version, route), for routes that hear CORRUPTED.
    public func corruption(of versions: [CorruptedVersion], now: Date) -> [OutboxItem] {
        let items = routes.filter { $0.on.contains(.corrupted) }.flatMap { route in
            versions.map { version in
                OutboxItem(
                    route: route.name, dedupKey: "\(job.name)/\(route.name)/CORRUPTED/\(version.id)",
                    alert: alert(
                        event: .corrupted, state: Problem.corrupted.rawValue, occurrences: [],
                        message: "version \(version.id): \(version.reason)", now: now))
            }
        }
        return silencing(items, now: now)
    }

    private func item(_ route: AlertRoute, now: Date, key: String, event: NotificationEvent, records: [OccurrenceRecord], message: String?)
        -> OutboxItem
    {
        OutboxItem(
            route: route.name, dedupKey: "\(job.name)/\(route.name)/\(key)",
            alert: alert(
                event: event, state: event == .stale ? Problem.stale.rawValue : records.last?.state.rawValue ?? "",
                occurrences: records.map(\.occurrence),
                message: message, now: now))
    }

    private func alert(event: NotificationEvent, state: String, occurrences: [Occurrence], message: String?, now: Date) -> Alert {
        Alert(
            event: event, job: job.name, state: state, occurrences: occurrences, message: message,
            labels: job.labels, destination: job.destination, timezone: job.timezone, jobDescription: job.description,
            url: publicURL.map { Self.link(base: $0, job: job.name) }, createdAt: now)
    }

    /// The dashboard link of a job: `<public_url>/?job=<name>`.
    public static func link(base: String, job: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/?job=" + job
    }
}
