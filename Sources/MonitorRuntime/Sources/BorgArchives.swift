import Foundation
import Logging
import MonitorCore
import MonitorStore

/// `source: borg` (SPEC §13): the archives of a borg repository, listed with `borg list --json`
/// at each scan, each new one a SUCCESS run finished when the archive was completed.
///
/// borg prints times without an offset, in the local time of the process that lists them; monitor
/// runs it with `TZ=UTC` and reads them as UTC, so that neither the host's timezone nor a
/// daylight-saving change can move a run to another occurrence. The listing reads the manifest
/// only; when archives are new, a second listing of just those (`--last N --format {end}`) gives
/// their end times and durations. Sizes and file counts would take `borg info`, which needs borg's
/// chunks cache (on a host other than the one making backups, a download of every archive's
/// index), so borg runs carry no byte or file figures.
public struct BorgArchives: RunSource {
    let tool: RepositoryTool
    let environment: [String: String]
    let logger: Logger

    public init(
        timeout: Duration = .seconds(60), environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "monitor.source.borg")
    ) {
        self.tool = RepositoryTool(name: "borg", timeout: timeout, stdoutLimit: 256 * 1024 * 1024)
        self.environment = environment
        self.logger = logger
    }

    public func read(_ active: ActiveJob, settings: Settings?, store: StateStore, now: Date) -> StatusOutcome {
        guard case .borg(let source) = active.job.effectiveSource else { return .runs([], unreadable: nil) }
        let command = settings?.borgCommand ?? "borg"
        let started = ContinuousClock.now
        let listed: [BorgArchiveList.Archive]
        do throws(Unreadable) {
            listed = try list(source, command: command, extra: [])
        } catch {
            logger.warning("borg repository unreadable", metadata: ["job": "\(active.job.name)", "error": "\(error.message)"])
            return .runs([], unreadable: error.message)
        }
        var fresh: [RepositoryRun]
        do {
            fresh = try RepositoryRun.unrecorded(listed.map(\.run), kind: .borg, active: active, store: store)
        } catch {
            return .postponed("cannot read which borg archives are recorded: \(error.description)")
        }
        // borg lists oldest first: the new archives are within the last `count - first` of them.
        let freshIDs = Set(fresh.map(\.id))
        if let first = listed.firstIndex(where: { freshIDs.contains($0.id) }) {
            let remaining = tool.timeout - (ContinuousClock.now - started)
            do throws(Unreadable) {
                guard remaining > .seconds(1) else { throw Unreadable("borg: no time left to read the end times of new archives") }
                let ends = try list(source, command: command, extra: ["--format={end}", "--last=\(listed.count - first)"], timeout: remaining)
                let byID = Dictionary(ends.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                fresh = fresh.map { run in
                    guard let archive = byID[run.id], let end = archive.end, end >= run.finishedAt else { return run }
                    var finished = run
                    finished.figures = RunFigures(duration: end.timeIntervalSince(run.finishedAt))
                    finished.finishedAt = end
                    return finished
                }
                fresh.sort { ($0.finishedAt, $0.id) < ($1.finishedAt, $1.id) }
            } catch {
                // The archives exist: they are recorded at their start times rather than not at all.
                logger.notice(
                    "borg archives recorded at their start times", metadata: ["job": "\(active.job.name)", "reason": "\(error.message)"])
            }
        }
        return .runs(fresh.map { $0.evidence(kind: .borg, now: now) }, unreadable: nil)
    }

    func list(_ source: BorgSource, command: String, extra: [String], timeout: Duration? = nil) throws(Unreadable) -> [BorgArchiveList.Archive] {
        let passphrase = try tool.secret(source.passphraseEnv, key: "passphrase_env", in: environment)
        var arguments = ["list", "--json"] + extra
        if let glob = source.glob { arguments.append("--glob-archives=\(glob)") }
        arguments += ["--", source.repository]
        let childEnvironment = RepositoryTool.environment(
            base: environment, removing: ["BORG_PASSPHRASE", "BORG_PASSCOMMAND", "BORG_REPO"],
            set: [
                "BORG_PASSPHRASE": passphrase, "TZ": "UTC",
                // Never answer a question borg would ask: each of these stops it with an error instead.
                "BORG_RELOCATED_REPO_ACCESS_IS_OK": "no", "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK": "no",
                "BORG_CHECK_I_KNOW_WHAT_I_AM_DOING": "NO", "BORG_DELETE_I_KNOW_WHAT_I_AM_DOING": "NO", "BORG_DISPLAY_PASSPHRASE": "no",
            ])
        switch tool.run(program: command, arguments: arguments, environment: childEnvironment, timeout: timeout) {
        case .success(let output): return try BorgArchiveList.decode(output)
        case .failure(let unreadable): throw unreadable
        }
    }
}

/// `borg list --json`: `{"archives": [{"id", "name", "start", "time", ["end"]}], ...}`, times
/// like `2026-12-01T02:10:00.000000` (no offset; UTC, as monitor runs borg with `TZ=UTC`).
enum BorgArchiveList {
    struct Archive: Sendable {
        var id: String
        var name: String
        var start: Date
        var end: Date?

        var run: RepositoryRun { RepositoryRun(id: id, finishedAt: start, message: "borg archive \(name)", figures: nil) }
    }

    private struct Listing: Decodable {
        var archives: [Entry]
    }

    private struct Entry: Decodable {
        var id: String
        var name: String
        var start: String?
        var time: String?
        var end: String?
    }

    static func decode(_ data: Data) throws(Unreadable) -> [Archive] {
        let listing: Listing
        do {
            listing = try JSONDecoder().decode(Listing.self, from: data)
        } catch {
            throw Unreadable(
                "borg: its output is not the JSON archive list monitor expects (\(ResticSnapshotList.describe(error))); it \(ResticSnapshotList.preview(data))"
            )
        }
        return try listing.archives.map { entry throws(Unreadable) -> Archive in
            let text = entry.start ?? entry.time ?? ""
            guard !entry.id.isEmpty, let start = utc(text) else {
                throw Unreadable("borg: archive \"\(entry.name.prefix(80))\" has a time monitor cannot read: \"\(text.prefix(40))\"")
            }
            return Archive(id: entry.id, name: entry.name, start: start, end: entry.end.flatMap(utc))
        }
    }

    /// `2026-12-01T02:10:00.000000` (fraction optional) read as UTC, to the second.
    static func utc(_ text: String) -> Date? {
        guard text.count >= 19, text.count <= 40, !text.hasSuffix("Z"), !text.dropFirst(19).contains(where: { $0 == "+" || $0 == "-" }) else {
            return nil
        }
        // Whole seconds, as the ledger keeps times.
        return RFC3339Time.parse(text + "Z").map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }
    }
}
