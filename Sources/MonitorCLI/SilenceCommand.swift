import ArgumentParser
import Foundation
import MonitorCore
import MonitorStore

/// `monitor silence add|list|expire`: silences kept in the state (SPEC §16), for the outage
/// nobody planned in git: events of the jobs they select are recorded and never sent.
struct SilenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Hold back the notifications of some jobs for a while, with a reason.",
        discussion: """
            While a silence holds, the events of the jobs it selects are recorded in the outbox, marked silenced, \
            and never sent, not even after it ends; the RESOLVED that ends a silenced problem is not sent either. \
            Silences declared under silences: in the configuration work the same way; these live in the state.
            """,
        subcommands: [SilenceAddCommand.self, SilenceListCommand.self, SilenceExpireCommand.self]
    )
}

struct SilenceAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a silence; prints its id.",
        discussion: """
            Selects jobs by --job NAME (one silence per job named) and/or --match LABEL=VALUE (every label given must match). \
            It holds from --from (default: now) for --for, at most 30d. Exit codes: 0 added, 1 error (nothing added).
            """
    )

    @OptionGroup var state: StateOptions
    @OptionGroup var config: ConfigOptions

    @Option(name: .customLong("job"), help: ArgumentHelp("Silence this job (repeatable: one silence per job).", valueName: "name"))
    var jobs: [String] = []

    @Option(name: .customLong("match"), help: ArgumentHelp("Silence the jobs with this label value (repeatable).", valueName: "label=value"))
    var matches: [String] = []

    @Option(name: .customLong("for"), help: ArgumentHelp("How long it holds, e.g. 2h or 3d; at most 30d.", valueName: "duration"))
    var duration: String

    @Option(help: ArgumentHelp("Why: shown in `silence list`, `plan` and the job's history.", valueName: "text"))
    var reason: String

    @Option(help: ArgumentHelp("When it starts holding (RFC 3339); default: now.", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("Act as if it were this time (RFC 3339), to simulate or test.", valueName: "time"))
    var now: String?

    func validate() throws {
        guard !jobs.isEmpty || !matches.isEmpty else {
            throw ValidationError("say which jobs to silence: --job NAME or --match LABEL=VALUE")
        }
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("--reason is blank; say why the jobs are silenced")
        }
    }

    func run() throws {
        let clock = try now.map(Clock.parse) ?? Date()
        let start = try from.map(Clock.parse)
        let span: TimeSpan
        do { span = try TimeSpan(parsing: duration) } catch { throw Output.fail("--for \(duration): \(error.message)") }
        guard span <= Silence.longest else {
            throw Output.fail("--for \(span) is longer than the \(Silence.longest) a silence may last; end it sooner and add another if need be")
        }
        let labels = try SilenceMatchOption.labels(matches)
        let store = try StateLocator.open(state, config)
        do {
            let active = try store.activeJobs()
            let known = Set(active.map(\.job.name))
            if let unknown = jobs.first(where: { !known.contains($0) }) {
                let hint = Suggestion.closest(to: unknown, in: known.sorted()).map { "; did you mean \"\($0)\"?" } ?? ""
                throw Output.fail("no active job named \"\(unknown)\" in \(store.path)\(hint)")
            }
            let begins = start ?? clock
            let until = begins.addingTimeInterval(TimeInterval(span.seconds))
            guard until > clock else { throw Output.fail("this silence would end at \(Timestamp.string(until)), which has passed") }
            let matchesWanted = jobs.isEmpty ? [SilenceMatch(labels: labels)] : jobs.map { SilenceMatch(job: $0, labels: labels) }
            for match in matchesWanted where !active.contains(where: { match.selects($0.job) }) {
                Output.error("monitor: warning: no active job matches \(match) now; the silence is added anyway")
            }
            for match in matchesWanted {
                // It starts when it is added (or at --from), so the record says when it began.
                let silence = Silence(match: match, from: begins, until: until, reason: reason)
                let added = try store.addSilence(silence, at: clock, by: ApplyContextProbe.user())
                print(added.id)
            }
        } catch let error as StoreError {
            throw Output.fail(error)
        }
    }
}

struct SilenceListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the silences that hold now or will.",
        discussion: """
            Lists the state's silences and those of the applied configuration (source config, no id), \
            with their state: active, upcoming, ended or expired (ended by `silence expire`). --all adds those that ended. Exit codes: 0, 1 error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var state: StateOptions
    @OptionGroup var config: ConfigOptions

    @Flag(help: "Include silences that have ended.")
    var all = false

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(help: ArgumentHelp("List as if it were this time (RFC 3339).", valueName: "time"))
    var now: String?

    func run() throws {
        let clock = try now.map(Clock.parse) ?? Date()
        let store = try StateLocator.openForReading(state, config)
        do {
            let listed = try SilenceListing.entries(store: store, now: clock, includingEnded: all)
            switch format {
            case .text: print(SilenceListing.text(listed), terminator: "")
            case .json: print(try SilenceListing.json(listed, now: clock))
            }
        } catch let error as StoreError {
            throw Output.fail(error)
        }
    }
}

struct SilenceExpireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expire",
        abstract: "End a silence now.",
        discussion: """
            Ends the silence with this id (from `silence add` or `silence list`); it stays listed with --all. \
            A silence declared in the configuration ends by removing it there. Exit codes: 0 ended, 1 unknown id or already ended.
            """
    )

    @OptionGroup var state: StateOptions
    @OptionGroup var config: ConfigOptions

    @Argument(help: ArgumentHelp("The silence's id.", valueName: "id"))
    var id: Int64

    @Option(help: ArgumentHelp("Act as if it were this time (RFC 3339), to simulate or test.", valueName: "time"))
    var now: String?

    func run() throws {
        let clock = try now.map(Clock.parse) ?? Date()
        let store = try StateLocator.open(state, config)
        do {
            switch try store.expireSilence(id: id, at: clock) {
            case .expired(let silence):
                print("Expired silence \(silence.id) (\(silence.silence.match)): \(silence.silence.reason)")
            case .unknown:
                throw Output.fail("no silence with id \(id) in \(store.path); `monitor silence list --all` shows them")
            case .alreadyEnded(let silence):
                throw Output.fail("silence \(id) already ended at \(Timestamp.string(silence.silence.until))")
            }
        } catch let error as StoreError {
            throw Output.fail(error)
        }
    }
}

/// `--match LABEL=VALUE`, repeatable; the same label twice means either value.
enum SilenceMatchOption {
    static func labels(_ options: [String]) throws -> [String: [String]] {
        var labels: [String: [String]] = [:]
        for option in options {
            guard let equals = option.firstIndex(of: "="), equals != option.startIndex else {
                throw Output.fail("--match \(option): write LABEL=VALUE, e.g. --match team=data")
            }
            let key = String(option[..<equals])
            let value = String(option[option.index(after: equals)...])
            guard !value.isEmpty else { throw Output.fail("--match \(option): the value is empty; write LABEL=VALUE") }
            if key == "job" { throw Output.fail("--match job=\(value): select a job with --job \(value)") }
            labels[key, default: []].append(value)
        }
        return labels
    }
}
