import Foundation
import Logging
import MonitorCore
import MonitorStore

/// `source: restic` (SPEC §13): the snapshots of a restic repository, listed with
/// `restic snapshots --json` at each scan, each new one a SUCCESS run finished at its time.
///
/// restic runs without a shell, with the password handed over as `RESTIC_PASSWORD` from the
/// variable `password_env` names, `--no-lock` (listing writes nothing to the repository and
/// never waits for a `prune`), standard input from `/dev/null`, and a timeout.
public struct ResticSnapshots: RunSource {
    let tool: RepositoryTool
    /// monitor's environment, which the password variable is read from and restic inherits.
    let environment: [String: String]
    let logger: Logger

    public init(
        timeout: Duration = .seconds(60), environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "monitor.source.restic")
    ) {
        self.tool = RepositoryTool(name: "restic", timeout: timeout, stdoutLimit: 256 * 1024 * 1024)
        self.environment = environment
        self.logger = logger
    }

    public func read(_ active: ActiveJob, settings: Settings?, store: StateStore, now: Date) -> StatusOutcome {
        guard case .restic(let source) = active.job.effectiveSource else { return .runs([], unreadable: nil) }
        let snapshots: [RepositoryRun]
        do throws(Unreadable) {
            snapshots = try list(source, command: settings?.resticCommand ?? "restic")
        } catch {
            logger.warning("restic repository unreadable", metadata: ["job": "\(active.job.name)", "error": "\(error.message)"])
            return .runs([], unreadable: error.message)
        }
        do {
            let fresh = try RepositoryRun.unrecorded(snapshots, kind: .restic, active: active, store: store)
            return .runs(fresh.map { $0.evidence(kind: .restic, now: now) }, unreadable: nil)
        } catch {
            return .postponed("cannot read which restic snapshots are recorded: \(error.description)")
        }
    }

    /// Every snapshot of the repository that passes the job's filters.
    func list(_ source: ResticSource, command: String) throws(Unreadable) -> [RepositoryRun] {
        let password = try tool.secret(source.passwordEnv, key: "password_env", in: environment)
        var arguments = ["snapshots", "--json", "--no-lock", "--repo=\(source.repository)"]
        if let host = source.host { arguments.append("--host=\(host)") }
        // One --tag with a comma-separated list: snapshots carrying every tag.
        if !source.tags.isEmpty { arguments.append("--tag=\(source.tags.joined(separator: ","))") }
        let childEnvironment = RepositoryTool.environment(
            base: environment, removing: ["RESTIC_REPOSITORY", "RESTIC_PASSWORD", "RESTIC_KEY_HINT", "RESTIC_HOST"],
            set: ["RESTIC_PASSWORD": password])
        switch tool.run(program: command, arguments: arguments, environment: childEnvironment) {
        case .success(let output): return try ResticSnapshotList.decode(output)
        case .failure(let unreadable): throw unreadable
        }
    }
}

/// `restic snapshots --json`: an array of snapshots, each with `id` and `time` (RFC 3339 with
/// an offset, nanoseconds); restic 0.17 and later add a `summary` with the backup's figures.
enum ResticSnapshotList {
    private struct Snapshot: Decodable {
        var id: String
        var time: String
        var hostname: String?
        var paths: [String]?
        var tags: [String]?
        var summary: Summary?
    }

    private struct Summary: Decodable {
        var backupStart: String?
        var backupEnd: String?
        var totalFilesProcessed: Int?
        var totalBytesProcessed: Int64?

        enum CodingKeys: String, CodingKey {
            case backupStart = "backup_start"
            case backupEnd = "backup_end"
            case totalFilesProcessed = "total_files_processed"
            case totalBytesProcessed = "total_bytes_processed"
        }
    }

    static func decode(_ data: Data) throws(Unreadable) -> [RepositoryRun] {
        let snapshots: [Snapshot]
        do {
            snapshots = try JSONDecoder().decode([Snapshot].self, from: data)
        } catch {
            throw Unreadable("restic: its output is not the JSON list of snapshots monitor expects (\(describe(error))); it \(preview(data))")
        }
        return try snapshots.map { snapshot throws(Unreadable) -> RepositoryRun in
            guard !snapshot.id.isEmpty, let started = RFC3339Time.parse(snapshot.time) else {
                throw Unreadable("restic: snapshot \"\(snapshot.id.prefix(16))\" has a time monitor cannot read: \"\(snapshot.time.prefix(40))\"")
            }
            // The end of the backup when restic records it (0.17+); else the snapshot's time, its start.
            let end = snapshot.summary?.backupEnd.flatMap(RFC3339Time.parse)
            let start = snapshot.summary?.backupStart.flatMap(RFC3339Time.parse)
            let figures = RunFigures(
                bytes: snapshot.summary?.totalBytesProcessed, files: snapshot.summary?.totalFilesProcessed,
                duration: both(start, end).flatMap { $1 >= $0 ? $1.timeIntervalSince($0) : nil })
            var message = "restic snapshot \(snapshot.id.prefix(8))"
            if let host = snapshot.hostname { message += " of \(host)" }
            if let paths = snapshot.paths, !paths.isEmpty { message += ": \(paths.joined(separator: ", "))" }
            if let tags = snapshot.tags, !tags.isEmpty { message += " (tags \(tags.joined(separator: ", ")))" }
            // Whole seconds, as the ledger keeps times (restic writes nanoseconds).
            let finished = Date(timeIntervalSince1970: (end ?? started).timeIntervalSince1970.rounded(.down))
            return RepositoryRun(id: snapshot.id, finishedAt: finished, message: message, figures: figures.nilIfEmpty)
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    /// The first characters of `data`, printable, for a message about output that is not JSON.
    static func preview(_ data: Data) -> String {
        guard !data.isEmpty else { return "printed nothing" }
        let text = String(decoding: data.prefix(60), as: UTF8.self)
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : $0 }))
        return "began with \"\(clean)\(data.count > 60 ? "…" : "")\""
    }
}

/// Both values, or `nil`.
private func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
