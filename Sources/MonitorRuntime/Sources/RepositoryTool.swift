import Foundation
import MonitorCore
import MonitorStore

/// What the restic and borg readers share (SPEC §13): running the tool within its time and
/// output bounds, turning any way it can fail into the tool's own words, and choosing which of
/// the repository's runs the ledger still lacks.
struct RepositoryTool: Sendable {
    /// `restic` or `borg`: the prefix of every message.
    var name: String
    var timeout: Duration
    var stdoutLimit: Int

    /// The tool's standard output when it exited 0; otherwise why it could not be read, in its
    /// own words when it said any (`restic: Fatal: wrong password or no key found`).
    func run(program: String, arguments: [String], environment: [String: String], timeout: Duration? = nil) -> Swift.Result<Data, Unreadable> {
        let limit = timeout ?? self.timeout
        let result = ChildProcess(program: program, arguments: arguments, environment: environment, timeout: limit, stdoutLimit: stdoutLimit).run()
        switch result.ending {
        case .exited(0):
            return .success(result.stdout)
        case .exited(let status):
            let said = Self.message(result.stderr)
            return .failure(Unreadable("\(name): " + (said.isEmpty ? "\(program) exited with status \(status) and printed no message" : said)))
        case .signalled(let signal):
            let said = Self.message(result.stderr)
            return .failure(Unreadable("\(name): \(program) was killed by signal \(signal)" + (said.isEmpty ? "" : ": \(said)")))
        case .timedOut:
            return .failure(Unreadable("\(name): \(program) did not answer within \(Self.seconds(limit)) and was stopped"))
        case .tooMuchOutput:
            return .failure(
                Unreadable("\(name): \(program) printed more than \(stdoutLimit / (1024 * 1024)) MiB of output; monitor stopped reading it"))
        case .cannotStart(let reason):
            return .failure(Unreadable("\(name): \(reason)"))
        }
    }

    /// The tool's standard error as one line: control characters dropped, lines joined, at
    /// most 500 characters. restic ≥ 0.17 may print a JSON error object; its `message` is used.
    static func message(_ stderr: Data) -> String {
        let text = String(decoding: stderr, as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map { line -> String in
            if line.first == "{", let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let message = object["message"] as? String
            {
                return message
            }
            return String(line)
        }
        let joined = lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        let clean = String(String.UnicodeScalarView(joined.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
        return clean.count > 500 ? String(clean.prefix(497)) + "..." : clean
    }

    static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }

    /// The environment of the tool: monitor's own (for `PATH`, `HOME`, a cloud provider's
    /// credentials, `SSH_AUTH_SOCK`), without the variables that would make it read another
    /// repository or secret than the configured ones, plus `set`.
    /// The repository's password or passphrase from `variable` (named by the job's `key`), or
    /// why the repository cannot be opened without it.
    func secret(_ variable: String, key: String, in environment: [String: String]) throws(Unreadable) -> String {
        guard let value = environment[variable], !value.isEmpty else {
            throw Unreadable(
                "\(name): the environment variable \(variable) (\(key)) is \(environment[variable] == nil ? "not set" : "empty") "
                    + "in monitor's environment, so the repository cannot be opened")
        }
        return value
    }

    static func environment(base: [String: String], removing prefixes: [String], set: [String: String]) -> [String: String] {
        var environment = base.filter { key, _ in !prefixes.contains { key.hasPrefix($0) } }
        environment.merge(set) { $1 }
        return environment
    }
}

/// Why a repository could not be read this scan: the message occurrences whose window ends
/// meanwhile are FAILED with.
struct Unreadable: Error, Sendable, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// One run of a repository, as a restic snapshot or a borg archive lists it.
struct RepositoryRun: Sendable, Equatable {
    /// The snapshot's or archive's id: what the ledger keys the run by.
    var id: String
    var finishedAt: Date
    var message: String
    var figures: RunFigures?
}

extension RepositoryRun {
    /// The runs of `runs` the job's ledger has not recorded, oldest first.
    ///
    /// A repository's history from before the job was applied is not imported, except its newest
    /// run: a job added over a repository of years of snapshots starts from its latest state,
    /// without thousands of past occurrences.
    static func unrecorded(_ runs: [RepositoryRun], kind: Source.Kind, active: ActiveJob, store: StateStore) throws(StoreError) -> [RepositoryRun] {
        let sorted = runs.sorted { ($0.finishedAt, $0.id) < ($1.finishedAt, $1.id) }
        let newestBefore = sorted.last { $0.finishedAt < active.activeSince }
        let relevant = sorted.filter { $0.finishedAt >= active.activeSince || $0.id == newestBefore?.id }
        let recorded = try store.recordedRuns(job: active.job.name, among: relevant.map { RunKey.make(kind, id: $0.id) })
        return relevant.filter { !recorded.contains(RunKey.make(kind, id: $0.id)) }
    }

    /// The run as SUCCESS evidence, recorded under its ``RunKey``.
    func evidence(kind: Source.Kind, now: Date) -> StatusEvidence {
        StatusEvidence(
            evidence: Evidence(finishedAt: finishedAt, verdict: .success, message: message, versionID: nil, figures: figures),
            record: StatusFileRecord(
                sha256: RunKey.make(kind, id: id), scheduledAt: nil, status: .success, finishedAt: finishedAt, receivedAt: now,
                verdict: .success, message: message),
            instant: finishedAt)
    }
}
