import Foundation
import MonitorCore

/// The story `monitor demo` tells: eight example jobs, and what their simulated producers did
/// over the last three weeks, so that every verdict shows. Pure: `now` is a parameter, and
/// every time below is derived from it, so that the history always ends at `now`.
struct DemoScenario: Sendable {
    /// How far back the history goes: the first configuration revision is applied then.
    static let historyLength: TimeInterval = 21 * 86_400
    /// The job that a person seals by hand to watch it turn SUCCESS at the next scan.
    static let pendingJob = "crm-files"
    /// The job one of whose older kept versions changed on disk after promotion.
    static let corruptedJob = "postgres-prod"

    /// The real current time, in whole seconds.
    let now: Date
    /// When the first revision (every job but the pending one) was applied.
    var historyStart: Date { now.addingTimeInterval(-Self.historyLength) }
    /// When the second revision added the pending job: shortly before its only expected run.
    var pendingJobAddedAt: Date { now.addingTimeInterval(-50 * 60) }
    /// The pending job's daily run, 20 minutes ago (whole minutes), in its own timezone: its
    /// window is open at `now` and stays open for 1 h 40 min.
    var pendingRun: (hour: Int, minute: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Tokyo")!
        let parts = calendar.dateComponents([.hour, .minute], from: now.addingTimeInterval(-20 * 60))
        return (parts.hour!, parts.minute!)
    }

    init(now: Date) {
        self.now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
    }

    /// What the producer of one job does, run by run.
    struct Producer: Sendable {
        /// A file the producer writes into staging: its name and its usual size in bytes.
        struct File: Sendable {
            var path: String
            var size: Int
        }

        var job: String
        var files: [File]
        /// How long after the scheduled instant the producer finishes.
        var duration: TimeInterval
        /// What happened to run `index` (0 is the oldest) of `count` runs that finished by now.
        var outcome: @Sendable (_ index: Int, _ count: Int) -> Outcome
        /// What a person should notice on the dashboard, one line.
        var story: String
    }

    enum Outcome: Sendable, Equatable {
        case success
        /// The producer reported a failure with this message.
        case failed(String)
        /// The producer sealed its files, then one changed: the hash no longer matches.
        case hashMismatch
        /// Nothing arrived.
        case missing
        /// The files arrived after the window closed and a scan had declared the run MISSING.
        case late
        /// The producer reported SUCCESS, but its files were a small fraction of their usual size.
        case shrunk
    }

    /// The producers, in the order the guide lists them; the pending job has none (its
    /// files are in staging, waiting for `monitor seal`).
    var producers: [Producer] {
        [
            Producer(
                job: "postgres-prod", files: [.init(path: "prod.sql.gz", size: 48_000), .init(path: "globals/roles.sql", size: 1_800)],
                duration: 17 * 60, outcome: { index, count in index == count - 8 ? .late : .success },
                story:
                    "nightly pg_dump; keep_versions: 3 keeps 3 versions; one night arrived late; the oldest kept version changed on disk: CORRUPTED"),
            Producer(
                job: "web-assets", files: [.init(path: "assets.tar", size: 24_000), .init(path: "manifest.json", size: 900)],
                duration: 9 * 60, outcome: { index, count in index == count - 1 ? .hashMismatch : .success },
                story: "a file changed after it was sealed: nothing promoted, current_version kept"),
            Producer(
                job: "mail-archive", files: [.init(path: "mailboxes.tar.zst", size: 31_000)],
                duration: 25 * 60,
                outcome: { index, count in
                    switch index {
                    case count - 1: .failed("mailbox export failed: disk quota exceeded on /var/backups")
                    case count - 10: .failed("dovecot was restarting; export aborted")
                    default: .success
                    }
                },
                story: "the producer reported a failure (its message is on the dashboard)"),
            Producer(
                job: "ldap-config", files: [.init(path: "slapcat.ldif", size: 4_200)],
                duration: 4 * 60, outcome: { index, count in index >= count - 3 ? .missing : .success },
                story: "the producer stopped three days ago: MISSING runs"),
            Producer(
                job: "billing-db", files: [.init(path: "billing.sql.gz", size: 36_000)],
                duration: 12 * 60, outcome: { index, count in index == count - 1 ? .shrunk : .success },
                story: "reported SUCCESS, but last night's dump is 8 % of its usual size: SUSPICIOUS"),
            Producer(
                job: "offsite-tape", files: [.init(path: "weekly-copy.tar", size: 20_000)],
                duration: 30 * 60, outcome: { _, _ in .success },
                story: "a weekly copy, but max_age: 3d asks for one every 3 days: STALE"),
            Producer(
                job: "reports-weekly", files: [.init(path: "reports.zip", size: 11_000)],
                duration: 40 * 60, outcome: { _, _ in .success },
                story: "weekly, verify: none (sizes are checked, hashes are not)"),
        ]
    }

    /// The weekday (cron number, UTC) and hour of `offsite-tape`'s weekly run: four days before
    /// `now`, so that its newest copy is always older than its `max_age` of three days.
    var tapeRun: (weekday: Int, hour: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.weekday, .hour], from: now.addingTimeInterval(-4 * 86_400 - 3_600))
        return (parts.weekday! - 1, parts.hour!)
    }

    /// The files of the pending job, already in its staging folder when the demo starts.
    var pendingFiles: [Producer.File] {
        [.init(path: "attachments.tar", size: 16_000), .init(path: "contacts.csv", size: 2_400)]
    }
    var pendingStory: String { "added an hour ago; its first run is still in its window" }

    /// The configuration, without the pending job for the first revision.
    func yaml(includingPendingJob: Bool) -> String {
        var text = """
            # The sandbox of `monitor demo`: example jobs with simulated producers. Rebuilt by
            # `monitor demo --dir` on this folder; edit it and try `monitor plan` / `monitor apply`.
            version: 1

            settings:
              state: state/monitor.sqlite
              timezone: Europe/Paris          # jobs without a timezone use this one
              scan_interval: 1m               # short, so that a sealed backup shows within a minute
              # No api_token_env: the API is read-only (POST /api/scan answers 403 without a token).

            # No alert_routes: a route to an address that does not exist would only fill the log
            # with failed deliveries. Add one, then try it with `monitor notify test ROUTE`.

            destinations:
              nas:
                path: backups/nas
                keep_versions: 3
              offsite:
                path: backups/offsite
                keep_versions: 2

            jobs:
              postgres-prod:
                destination: nas
                schedule: "0 2 * * *"
                window: 3h
                labels: {team: data, env: prod}
                description: Nightly pg_dump of the prod cluster
              mail-archive:
                destination: nas
                schedule: "0 3 * * *"
                window: 2h
                labels: {team: it, env: prod}
                description: Export of every mailbox of the mail server
              web-assets:
                destination: offsite
                schedule: "30 18 * * MON-FRI"
                window: 1h
                timezone: UTC
                labels: {team: web, env: prod}
                description: Images and documents uploaded to the website, every working day
              ldap-config:
                destination: offsite
                schedule: "15 1 * * *"
                window: 2h
                timezone: America/New_York
                labels: {team: it, env: staging}
                description: slapcat export of the staging directory
              billing-db:
                destination: nas
                schedule: "30 1 * * *"
                window: 2h
                labels: {team: finance, env: prod}
                description: Nightly dump of the billing database
                # anomaly: true is the default: each run is compared with the job's last 20
              offsite-tape:
                destination: offsite
                schedule: "0 \(tapeRun.hour) * * \(tapeRun.weekday)"
                window: 6h
                timezone: UTC
                max_age: 3d                   # STALE when the newest good copy is older than this
                labels: {team: it, env: prod}
                description: Weekly copy of the file server to the tape library
              reports-weekly:
                destination: nas
                schedule: "0 6 * * MON"
                window: 12h
                timezone: UTC
                verify: none
                labels: {team: finance, env: prod}
                description: Weekly archive of the finance reports

            """
        if includingPendingJob {
            let run = pendingRun
            text += """
                  \(Self.pendingJob):                 # added by the second revision
                    destination: offsite
                    schedule: "\(run.minute) \(run.hour) * * *"
                    window: 2h
                    timezone: Asia/Tokyo
                    labels: {team: sales, env: prod}
                    description: Attachments and contacts exported from the CRM

                """
        }
        return text
    }

    /// Deterministic content of `size` bytes for a simulated backup file: a header naming the
    /// job and run, then numbered lines, so that every run differs and hashes differ.
    static func content(job: String, file: String, run: Int, size: Int) -> Data {
        var text = "-- \(job) \(file), run \(run)\n"
        var line = 0
        while text.utf8.count < size {
            line += 1
            text += "row \(line) of run \(run): \(job) simulated backup data\n"
        }
        return Data(text.utf8.prefix(size))
    }

    /// The size of a run's file: the usual size growing a little from run to run, with some noise,
    /// so that the size chart of the report has a shape.
    static func size(_ file: Producer.File, run: Int) -> Int {
        file.size + run * file.size / 200 + (run * 7_919) % max(1, file.size / 20)
    }
}
