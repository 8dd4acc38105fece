import Foundation

/// A notification bound for one route, with the key that makes it unique in the outbox.
public struct OutboxItem: Sendable, Hashable {
    public var route: String
    /// One notification per (occurrence, verdict, route): inserting the same key twice is a no-op.
    public var dedupKey: String
    public var alert: Alert

    public init(route: String, dedupKey: String, alert: Alert) {
        self.route = route
        self.dedupKey = dedupKey
        self.alert = alert
    }
}

/// Who is told what after a scan changed a job's ledger (SPEC §6). Pure: values in, the
/// notifications out; the scanner writes them in the same transaction as the verdicts.
public struct AlertPolicy: Sendable {
    public var job: Job
    /// The job's routes, as applied.
    public var routes: [AlertRoute]
    public var publicURL: String?

    public init(job: Job, routes: [AlertRoute], publicURL: String?) {
        self.job = job
        self.routes = routes
        self.publicURL = publicURL
    }

    /// - Parameters:
    ///   - changes: occurrences this scan decided or re-decided, with their state before.
    ///   - statusBefore / statusAfter: the job's latest decided occurrence before and after.
    ///   - lastProblemAlert: per route, when it was last told about a problem or reminded.
    public func notifications(
        changes: [(before: Verdict?, after: OccurrenceRecord)], statusBefore: OccurrenceRecord?,
        statusAfter: OccurrenceRecord?, lastProblemAlert: [String: Date], now: Date
    ) -> [OutboxItem] {
        var items: [OutboxItem] = []
        let problems = changes.filter { $0.after.state.isProblem && $0.after.state != $0.before }.map(\.after)
            .sorted { $0.occurrence.scheduledAt < $1.occurrence.scheduledAt }
        for route in routes {
            var toldNow = false
            // MISSING occurrences of one scan go out as one notification; the others one each.
            let missing = problems.filter { $0.state == .missing }
            if route.on.contains(.missing), !missing.isEmpty {
                let first = Timestamp.string(missing.first!.occurrence.scheduledAt)
                let last = Timestamp.string(missing.last!.occurrence.scheduledAt)
                items.append(
                    item(
                        route, now: now, key: "MISSING/\(first)/\(last)", event: .missing, records: missing,
                        message: missing.count == 1
                            ? missing[0].message : "\(missing.count) expected runs did not report: \(missing.last!.message ?? "")"))
                toldNow = true
            }
            for record in problems where record.state != .missing && route.on.contains(record.state) {
                items.append(
                    item(
                        route, now: now, key: "\(record.state.rawValue)/\(Timestamp.string(record.occurrence.scheduledAt))",
                        event: .problem(record.state),
                        records: [record], message: record.message))
                toldNow = true
            }
            if route.sendResolved, let before = statusBefore, route.on.contains(before.state), let after = statusAfter, after.state == .success,
                after.occurrence.scheduledAt > before.occurrence.scheduledAt || before.state != .success
            {
                items.append(
                    item(
                        route, now: now, key: "RESOLVED/\(Timestamp.string(after.occurrence.scheduledAt))", event: .resolved,
                        records: [after], message: after.message ?? "back to SUCCESS after \(before.state.rawValue)"))
            }
            if let interval = route.repeatInterval, !toldNow, let after = statusAfter, route.on.contains(after.state) {
                let last = lastProblemAlert[route.name]
                if last.map({ now.timeIntervalSince($0) >= TimeInterval(interval.seconds) }) ?? true {
                    items.append(
                        item(
                            route, now: now, key: "REMINDER/\(Timestamp.string(now))", event: .reminder, records: [after],
                            message: "still \(after.state.rawValue): \(after.message ?? "no newer successful run")"))
                }
            }
        }
        return items
    }

    private func item(_ route: AlertRoute, now: Date, key: String, event: NotificationEvent, records: [OccurrenceRecord], message: String?)
        -> OutboxItem
    {
        OutboxItem(
            route: route.name, dedupKey: "\(job.name)/\(route.name)/\(key)",
            alert: Alert(
                event: event, job: job.name, state: records.last!.state.rawValue, occurrences: records.map(\.occurrence), message: message,
                labels: job.labels, destination: job.destination, timezone: job.timezone, jobDescription: job.description,
                url: publicURL.map { Self.link(base: $0, job: job.name) }, createdAt: now))
    }

    /// The dashboard link of a job: `<public_url>/?job=<name>`.
    public static func link(base: String, job: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/?job=" + job
    }
}
