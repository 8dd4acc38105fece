import Foundation
import MonitorCore

/// The text form of `monitor status`: an aligned table an operator reads at 3 a.m.
enum StatusTable {
    static func text(_ jobs: [JobView], now: Date) -> String {
        guard !jobs.isEmpty else { return "No active jobs. Declare jobs in the configuration and run `monitor apply`.\n" }
        var rows = [["JOB", "STATUS", "LAST SUCCESS", "CURRENT VERSION", "NEXT WINDOW"]]
        for job in jobs {
            rows.append([
                job.name, job.status.rawValue + corruptedMark(job) + (job.silencedUntil == nil ? "" : " (silenced)"),
                job.lastSuccessAt.map { "\(Timestamp.string($0)) (\(age(from: $0, to: now)) ago)" } ?? "never",
                job.currentVersion.map { "\($0.id) \(bytes($0.bytes))\($0.corrupted ? " CORRUPTED" : "")" } ?? "-",
                job.next.map { "\(Timestamp.string($0.occurrence.scheduledAt)) .. \(Timestamp.string($0.occurrence.windowEnd))" } ?? "-",
            ])
        }
        return table(rows)
    }

    static func detail(_ job: JobView, now: Date) -> String {
        var out = "\(job.name): \(job.status.rawValue)\(corruptedMark(job))\n"
        if let description = job.description { out += "  \(description)\n" }
        out += "  schedule \(job.schedule) (\(job.timezone)), window \(job.window), destination \(job.destination)\n"
        out += "  last success: \(job.lastSuccessAt.map { "\(Timestamp.string($0)) (\(age(from: $0, to: now)) ago)" } ?? "never")\n"
        out +=
            "  current version: \(job.currentVersion.map { "\($0.id), \($0.files) file\($0.files == 1 ? "" : "s"), \(bytes($0.bytes))\($0.corrupted ? ", CORRUPTED" : "")" } ?? "none")\n"
        if let until = job.silencedUntil {
            out += "  silenced until \(Timestamp.string(until)): its notifications are recorded, not sent (`monitor silence list`)\n"
        }
        if let problem = job.status.problem { out += "  what to do: \(problem.advice)\n" }
        if job.corruptedVersions > 0 { out += "  \(Problem.corrupted.advice)\n" }
        if let runs = job.baselineRuns, runs < Suspicion.minimumHistory {
            out +=
                "  anomaly detection: \(runs) of the \(Suspicion.minimumHistory) SUCCESS runs it needs before sizes, file counts"
                + " and durations are compared with the job's history\n"
        }
        out += "\n"
        var rows = [["SCHEDULED", "WINDOW END", "STATE", "FINISHED", "MESSAGE"]]
        for view in job.occurrences ?? [] {
            let record = view.record
            rows.append([
                Timestamp.string(record.occurrence.scheduledAt), Timestamp.string(record.occurrence.windowEnd),
                record.state.rawValue + (record.late ? " (late)" : "") + (record.silenced ? " (silenced)" : ""),
                record.finishedAt.map(Timestamp.string) ?? "-",
                (record.message ?? "").replacingOccurrences(of: "\n", with: " "),
            ])
        }
        return out + table(rows)
    }

    /// ` (1 version CORRUPTED)` when the scrub found kept versions changed on disk, else "".
    static func corruptedMark(_ job: JobView) -> String {
        job.corruptedVersions == 0 ? "" : " (\(job.corruptedVersions) version\(job.corruptedVersions == 1 ? "" : "s") CORRUPTED)"
    }

    private static func table(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    static func age(from date: Date, to now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<3_600: return "\(seconds / 60)m"
        case ..<172_800: return "\(seconds / 3_600)h\(seconds % 3_600 / 60 > 0 ? "\(seconds % 3_600 / 60)m" : "")"
        default: return "\(seconds / 86_400)d"
        }
    }

    /// Binary units, one decimal: the report's format, so both say the same size the same way.
    static func bytes(_ count: Int64) -> String { ReportFormat.bytes(count) }
}
