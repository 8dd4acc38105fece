import Foundation
import MonitorCore

extension StateStore {
    /// The applied configuration, the latest revision and the retired jobs.
    public func appliedState() throws(StoreError) -> AppliedState {
        try read { db in try Self.appliedState(db) }
    }

    static func appliedState(_ db: any SQLConnection) throws -> AppliedState {
        let stateID = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'state_id'") ?? ""
        let revision = try Int64.fetchOne(db, sql: "SELECT max(id) FROM revision") ?? 0
        let retired = Set(try String.fetchAll(db, sql: "SELECT name FROM job WHERE retired_at IS NOT NULL"))
        guard revision > 0, let settingsJSON = try String.fetchOne(db, sql: "SELECT spec FROM settings WHERE id = 1") else {
            return AppliedState(stateID: stateID, revision: revision, desired: nil, retiredJobs: retired)
        }
        let decoder = JSONDecoder()
        func specs<T: Decodable>(_ type: T.Type, _ sql: String) throws -> [T] {
            try String.fetchAll(db, sql: sql).map { try decoder.decode(T.self, from: Data($0.utf8)) }
        }
        let desired = DesiredState(
            settings: try decoder.decode(Settings.self, from: Data(settingsJSON.utf8)),
            destinations: try specs(Destination.self, "SELECT spec FROM destination ORDER BY name"),
            routes: try specs(AlertRoute.self, "SELECT spec FROM alert_route ORDER BY name"),
            jobs: try specs(Job.self, "SELECT spec FROM job WHERE retired_at IS NULL ORDER BY name"))
        return AppliedState(stateID: stateID, revision: revision, desired: desired, retiredJobs: retired)
    }

    /// The applied settings, `nil` before any apply.
    static func appliedSettings(_ db: any SQLConnection) throws -> Settings? {
        try String.fetchOne(db, sql: "SELECT spec FROM settings WHERE id = 1").map { try JSONDecoder().decode(Settings.self, from: Data($0.utf8)) }
    }

    /// The applied settings and alert routes without the jobs: what the scanner and the
    /// notifier need, without decoding 10,000 job specs on every pass. `nil` before any apply.
    public func appliedRouting() throws(StoreError) -> AppliedRouting? {
        try read { db in
            guard let settingsJSON = try String.fetchOne(db, sql: "SELECT spec FROM settings WHERE id = 1") else { return nil }
            let decoder = JSONDecoder()
            return AppliedRouting(
                settings: try decoder.decode(Settings.self, from: Data(settingsJSON.utf8)),
                routes: try String.fetchAll(db, sql: "SELECT spec FROM alert_route ORDER BY name").map {
                    try decoder.decode(AlertRoute.self, from: Data($0.utf8))
                })
        }
    }

    /// Applies `desired` in one transaction and records a revision, or does nothing (and returns
    /// `nil`) when the state already matches.
    ///
    /// - Parameter baseRevision: the revision the caller planned against; when the state has
    ///   moved on since, nothing is applied and `StoreError.stalePlan` is thrown.
    @discardableResult
    ///   - plan: the plan the caller computed against `baseRevision`, to save planning twice;
    ///     recomputed inside the transaction when `nil` or when no base revision is given.
    public func apply(_ desired: DesiredState, baseRevision: Int64?, plan precomputed: Plan? = nil, context: ApplyContext) throws(StoreError)
        -> Revision?
    {
        let encoding: CanonicalEncoding
        let digest: String
        do {
            encoding = try desired.canonicalEncoding()
            digest = ConfigDigest.of(canonicalJSON: encoding.document)
        } catch { throw .database("cannot encode the configuration: \(error)") }
        return try write { db -> Revision? in
            let applied = try Self.appliedState(db)
            if let baseRevision, baseRevision != applied.revision {
                throw StoreError.stalePlan(
                    reason: "it was made against revision \(baseRevision), and the state is now at revision \(applied.revision)")
            }
            // The base revision matched, so the state is the one the caller planned against.
            let plan =
                try (baseRevision == nil ? nil : precomputed)
                ?? Planner.plan(from: applied.desired, to: desired, retiredJobs: applied.retiredJobs)
            guard !plan.isEmpty else { return nil }
            let now = Timestamp.string(context.now)
            let revision = Revision(
                id: 0, appliedAt: now, configDigest: digest, configPath: context.configPath, git: context.git,
                user: context.user, host: context.host, summary: plan.summary)
            let id = try Self.insert(revision, desiredJSON: String(decoding: encoding.document, as: UTF8.self), db)
            try Self.write(plan, desired: desired, encoding: encoding, revision: id, now: now, db)
            var recorded = revision
            recorded.id = id
            return recorded
        }
    }

    private static func insert(_ revision: Revision, desiredJSON: String, _ db: any SQLConnection) throws -> Int64 {
        try db.insert(
            sql: """
                INSERT INTO revision (applied_at, config_digest, config_path, git_commit, git_branch, git_dirty,
                                      "user", host, added, changed, removed, desired)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                revision.appliedAt, revision.configDigest, revision.configPath, revision.git?.commit,
                revision.git?.branch, revision.git.map { $0.dirty ? 1 : 0 }, revision.user, revision.host,
                revision.summary.add, revision.summary.change, revision.summary.remove, desiredJSON,
            ])
    }

    /// Writes only what the plan touches, so re-applying 10,000 unchanged jobs costs nothing.
    private static func write(_ plan: Plan, desired: DesiredState, encoding: CanonicalEncoding, revision: Int64, now: String, _ db: any SQLConnection)
        throws
    {
        let destinations = Dictionary(uniqueKeysWithValues: desired.destinations.map { ($0.name, $0) })
        let routes = Dictionary(uniqueKeysWithValues: desired.routes.map { ($0.name, $0) })
        let jobs = Dictionary(uniqueKeysWithValues: desired.jobs.map { ($0.name, $0) })
        for change in plan.changes {
            switch (change.kind, change.action) {
            case (.settings, _):
                try db.execute(
                    sql: """
                        INSERT INTO settings (id, spec, revision_id) VALUES (1, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET spec = excluded.spec, revision_id = excluded.revision_id
                        """, arguments: [encoding.settings, revision])
            case (.destination, .remove):
                try db.execute(sql: "DELETE FROM destination WHERE name = ?", arguments: [change.name])
            case (.destination, _):
                let destination = destinations[change.name]!
                try db.cachedStatement(
                    sql: """
                        INSERT INTO destination (name, path, keep_versions, spec, revision_id) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT(name) DO UPDATE SET path = excluded.path, keep_versions = excluded.keep_versions,
                          spec = excluded.spec, revision_id = excluded.revision_id
                        """
                ).execute(arguments: [
                    destination.name, destination.path, destination.keepVersions, encoding.destinations[destination.name]!, revision,
                ])
            case (.route, .remove):
                try db.execute(sql: "DELETE FROM alert_route WHERE name = ?", arguments: [change.name])
            case (.route, _):
                let route = routes[change.name]!
                let channel = route.channel.kind
                try db.cachedStatement(
                    sql: """
                        INSERT INTO alert_route (name, channel, spec, revision_id) VALUES (?, ?, ?, ?)
                        ON CONFLICT(name) DO UPDATE SET channel = excluded.channel, spec = excluded.spec, revision_id = excluded.revision_id
                        """
                ).execute(arguments: [route.name, channel, encoding.routes[route.name]!, revision])
            case (.job, .remove):
                try db.cachedStatement(sql: "UPDATE job SET retired_at = ?, revision_id = ? WHERE name = ?")
                    .execute(arguments: [now, revision, change.name])
            case (.job, _):
                let job = jobs[change.name]!
                // A revived job is expected again from now on, not over the time it was retired.
                try db.cachedStatement(
                    sql: """
                        INSERT INTO job (name, destination, schedule, timezone, window_seconds, spec,
                                         first_applied_at, active_since, retired_at, revision_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
                        ON CONFLICT(name) DO UPDATE SET destination = excluded.destination, schedule = excluded.schedule,
                          timezone = excluded.timezone, window_seconds = excluded.window_seconds, spec = excluded.spec,
                          active_since = CASE WHEN job.retired_at IS NULL THEN job.active_since ELSE excluded.active_since END,
                          retired_at = NULL, revision_id = excluded.revision_id
                        """
                ).execute(arguments: [
                    job.name, job.destination, job.schedule.expression, job.timezone,
                    job.window.seconds, encoding.jobs[job.name]!, now, now, revision,
                ])
            }
        }
    }

    /// Applied revisions, newest first.
    public func revisions(limit: Int = 100) throws(StoreError) -> [Revision] {
        try read { db in
            try SQLRow.fetchAll(db, sql: "SELECT * FROM revision ORDER BY id DESC LIMIT ?", arguments: [limit]).map { row in
                let commit: String? = row["git_commit"]
                return Revision(
                    id: row["id"], appliedAt: row["applied_at"], configDigest: row["config_digest"], configPath: row["config_path"],
                    git: commit.map { GitInfo(commit: $0, branch: row["git_branch"], dirty: (row["git_dirty"] as Int?) == 1) },
                    user: row["user"], host: row["host"],
                    summary: Plan.Summary(add: row["added"], change: row["changed"], remove: row["removed"]))
            }
        }
    }
}

/// The applied settings and alert routes; see ``StateStore/appliedRouting()``.
public struct AppliedRouting: Sendable {
    public var settings: Settings
    public var routes: [AlertRoute]

    /// The routes by name.
    public var routesByName: [String: AlertRoute] {
        Dictionary(routes.map { ($0.name, $0) }) { first, _ in first }
    }
}
