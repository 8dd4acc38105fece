import Foundation
import Yams

/// The keys of a maintenance window (SPEC §16): on a job, or at the top level with `match:`.
enum MaintenanceDecoding {
    static let keys = ["schedule", "duration", "timezone"]
    static let topLevelKeys = keys + ["match"]
    static let required = ["schedule", "duration"]
    /// How many runs `check` looks at to warn about a window that covers them all.
    static let sampledRuns = 50
}

/// A maintenance window with where it was written, and the jobs a top-level one selects.
struct DeclaredMaintenance {
    var window: MaintenanceWindow
    var location: SourceLocation
    /// `nil` on a job's own window.
    var match: SilenceMatch?
    /// Whether the timezone was written (else the job's, for a job's own window).
    var zoned: Bool
}

extension ConfigDecoder {
    /// A job's own `maintenance:` list; windows without a timezone get `jobTimezone` later.
    func decodeMaintenanceList(_ node: Node, in document: YAMLDocument, what: String) -> [DeclaredMaintenance]? {
        guard let items = reader.sequence(node, in: document, what: what, example: "[{schedule: \"0 1 * * SUN\", duration: 4h}]") else {
            return nil
        }
        var windows: [DeclaredMaintenance] = []
        var valid = true
        for (index, item) in items.enumerated() {
            if let window = decodeMaintenance(
                ListEntry(node: item, document: document), what: "\(what), window \(index + 1)", topLevel: false, timezone: nil,
                jobs: Declared(names: [], complete: false))
            {
                windows.append(window)
            } else {
                valid = false
            }
        }
        return valid ? windows : nil
    }

    /// The top-level `maintenance:` entries, each with a `match:`.
    func decodeTopLevelMaintenance(_ entries: [ListEntry], timezone: String, jobs: Declared) -> [DeclaredMaintenance] {
        entries.enumerated().compactMap { index, entry in
            decodeMaintenance(entry, what: "maintenance window \(index + 1)", topLevel: true, timezone: timezone, jobs: jobs)
        }
    }

    private func decodeMaintenance(_ entry: ListEntry, what: String, topLevel: Bool, timezone defaultZone: String?, jobs: Declared)
        -> DeclaredMaintenance?
    {
        let document = entry.document
        let hints = topLevel ? [:] : ["match": "to a top-level maintenance window; one written on a job is that job's"]
        guard
            let entries = reader.mapping(
                entry.node, in: document, what: what, allowed: topLevel ? MaintenanceDecoding.topLevelKeys : MaintenanceDecoding.keys,
                elsewhere: hints)
        else { return nil }
        var valid = reader.require(MaintenanceDecoding.required + (topLevel ? ["match"] : []), in: entries, what: what, at: entry.location)
        var schedule: CronSchedule?
        if let node = entries["schedule"] {
            if let text = reader.string(node, in: document, what: "schedule of \(what)", expected: "a cron expression such as \"0 1 * * SUN\"") {
                do {
                    schedule = try CronSchedule.memoized(parsing: text)
                } catch {
                    reader.error("schedule of \(what): \(error.message)", at: reader.contentLocation(of: node, in: document, offset: error.offset))
                }
            }
        }
        let duration = entries["duration"].flatMap { reader.duration($0, in: document, what: "duration of \(what)") }
        var zone = defaultZone
        if let node = entries["timezone"] {
            zone = timezone(node, in: document, what: "timezone of \(what)")
            if zone == nil { valid = false }
        }
        var match: SilenceMatch?
        if topLevel, let node = entries["match"] {
            match = decodeMatch(node, in: document, what: "match of \(what)", jobs: jobs)
            if match == nil { valid = false }
        }
        guard let schedule, let duration, valid else { return nil }
        return DeclaredMaintenance(
            window: MaintenanceWindow(schedule: schedule, duration: duration, timezone: zone ?? Settings.defaultTimezone),
            location: entry.location, match: match, zoned: entries.has("timezone") || topLevel)
    }

    /// Adds to each job the top-level windows that select it (its own are read with it), and
    /// warns about windows that would leave a job never expected.
    func attach(maintenance topLevel: [DeclaredMaintenance], to jobs: inout [Located<Job>]) {
        var selected = Array(repeating: 0, count: topLevel.count)
        for index in jobs.indices {
            let job = jobs[index].value
            var location = job.maintenance?.isEmpty == false ? jobs[index].location : nil
            for (position, window) in topLevel.enumerated() where window.match?.selects(job) == true {
                jobs[index].value.maintenance = (jobs[index].value.maintenance ?? []) + [window.window]
                selected[position] += 1
                location = location ?? window.location
            }
            if let location { warnIfAlwaysCovered(job: jobs[index].value, at: location) }
        }
        for (position, window) in topLevel.enumerated() where selected[position] == 0 && window.match?.job == nil {
            reader.warning("this maintenance window selects no job: no job has the labels \(window.match!)", at: window.location)
        }
    }

    /// A job whose every run (of the next ``MaintenanceDecoding/sampledRuns`` from a fixed
    /// instant, so that `check` says the same thing every day) falls in maintenance is never expected.
    private func warnIfAlwaysCovered(job: Job, at location: SourceLocation) {
        guard let maintenance = job.maintenance else { return }
        let schedule = OccurrenceSchedule(job: job)
        var cursor = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
        for _ in 0..<MaintenanceDecoding.sampledRuns {
            guard let next = schedule.next(after: cursor) else { return }
            if !maintenance.cover(next) { return }
            cursor = next.scheduledAt
        }
        reader.warning(
            "the maintenance of job \"\(job.name)\" covers every run of it (the first \(MaintenanceDecoding.sampledRuns) of 2026 checked): "
                + "it would never be expected; shorten the window or change its schedule",
            at: location)
    }
}
