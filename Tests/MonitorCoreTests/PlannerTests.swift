import Foundation
import Testing

@testable import MonitorCore

/// The planner over pairs of values: every kind of change for every kind of object.
@Suite struct PlannerTests {
    static func state(
        settings: Settings = Settings(state: "/var/lib/monitor/state.sqlite"),
        destinations: [Destination] = [Destination(name: "nas", path: "/srv/backups")],
        routes: [AlertRoute] = [AlertRoute(name: "chat", channel: .webhook(WebhookChannel(target: .env("CHAT_URL"), format: .slack)))],
        jobs: [Job] = [job("db")]
    ) -> DesiredState {
        DesiredState(settings: settings, destinations: destinations, routes: routes, jobs: jobs)
    }

    static func job(_ name: String, schedule: String = "0 2 * * *") -> Job {
        Job(name: name, destination: "nas", schedule: try! CronSchedule(parsing: schedule), window: TimeSpan(seconds: 3 * 3600))
    }

    @Test func nothingChanges() throws {
        #expect(try Planner.plan(from: Self.state(), to: Self.state()).isEmpty)
    }

    @Test func aFirstApplyAddsEverythingInDependencyOrder() throws {
        let plan = try Planner.plan(from: nil, to: Self.state(jobs: [Self.job("b"), Self.job("a")]))
        #expect(
            plan.changes.map { "\($0.action) \($0.kind) \($0.name)" } == [
                "add settings settings", "add destination nas", "add route chat", "add job a", "add job b",
            ])
        #expect(plan.summary == Plan.Summary(add: 5, change: 0, remove: 0))
        let fieldless = plan.changes.filter { !$0.fields.isEmpty }.isEmpty
        #expect(fieldless, "adds list no fields; the desired state holds them")
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let before: DesiredState
        let after: DesiredState
        let expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "settings change", before: state(),
            after: state(settings: Settings(state: "/var/lib/monitor/state.sqlite", timezone: "Europe/Paris")),
            expected: ["change settings settings timezone: \"UTC\" -> \"Europe/Paris\""]),
        Case(
            name: "destination add", before: state(),
            after: state(destinations: [Destination(name: "nas", path: "/srv/backups"), Destination(name: "usb", path: "/mnt/usb")]),
            expected: ["add destination usb"]),
        Case(
            name: "destination change", before: state(),
            after: state(destinations: [Destination(name: "nas", path: "/srv/backups", keepVersions: 5)]),
            expected: ["change destination nas keep_versions: 3 -> 5"]),
        Case(
            name: "destination remove",
            before: state(destinations: [Destination(name: "nas", path: "/srv/backups"), Destination(name: "old", path: "/old")]),
            after: state(), expected: ["remove destination old"]),
        Case(name: "route add", before: state(routes: []), after: state(), expected: ["add route chat"]),
        Case(
            name: "route change of a nested field", before: state(),
            after: state(routes: [AlertRoute(name: "chat", channel: .webhook(WebhookChannel(target: .env("CHAT_URL"), format: .generic)))]),
            expected: ["change route chat channel.webhook.format: \"slack\" -> \"generic\""]),
        Case(
            name: "route channel swap", before: state(),
            after: state(routes: [
                AlertRoute(name: "chat", channel: .webhook(WebhookChannel(target: .url("https://hooks.example.com/x"), format: .slack)))
            ]),
            expected: [
                "change route chat channel.webhook.url: (none) -> \"https://hooks.example.com/x\" channel.webhook.url_env: \"CHAT_URL\" -> (none)"
            ]),
        Case(name: "route remove", before: state(), after: state(routes: []), expected: ["remove route chat"]),
        Case(name: "job add", before: state(), after: state(jobs: [job("db"), job("web")]), expected: ["add job web"]),
        Case(
            name: "job change", before: state(), after: state(jobs: [job("db", schedule: "0 3 * * *")]),
            expected: ["change job db schedule: \"0 2 * * *\" -> \"0 3 * * *\""]),
        Case(name: "job remove", before: state(jobs: [job("db"), job("legacy")]), after: state(), expected: ["remove job legacy"]),
    ]

    @Test(arguments: cases) func change(_ example: Case) throws {
        let plan = try Planner.plan(from: example.before, to: example.after)
        let described = plan.changes.map { change in
            ([change.action.rawValue, change.kind.rawValue, change.name]
                + change.fields.keys.sorted().compactMap { path in
                    guard change.action == .change, let field = change.fields[path] else { return nil }
                    func show(_ value: JSONValue) -> String { value == .null ? "(none)" : value.description }
                    return "\(path): \(show(field.before)) -> \(show(field.after))"
                }).joined(separator: " ")
        }
        #expect(described == example.expected)
    }

    @Test func aRetiredJobDeclaredAgainIsMarkedAsRevived() throws {
        let plan = try Planner.plan(from: Self.state(), to: Self.state(jobs: [Self.job("db"), Self.job("old")]), retiredJobs: ["old"])
        #expect(plan.changes.map(\.revives) == [true])
        #expect(PlanRenderer.text(plan).contains("Declared again after being retired, with their history: old."))
    }

    @Test func planTextMatchesTheDocumentedForm() throws {
        let before = Self.state(jobs: [Self.job("legacy-ftp"), Self.job("web-assets", schedule: "0 1 * * *")])
        let after = Self.state(jobs: [Self.job("postgres-prod"), Self.job("web-assets", schedule: "0 3 * * *")])
        #expect(
            PlanRenderer.text(try Planner.plan(from: before, to: after)) == """
                Plan: 1 to add, 1 to change, 1 to remove.

                  + job postgres-prod
                  ~ job web-assets
                      schedule: "0 1 * * *" -> "0 3 * * *"
                  - job legacy-ftp

                Removed jobs are retired: no longer expected, their history stays (legacy-ftp).

                """)
    }
}

/// `apply` stores each object's canonical JSON and the whole state's, encoded once and
/// assembled; the assembly must be exactly what the encoder makes of the whole state, or the
/// config digest would change with the code path.
@Suite struct CanonicalEncodingTests {
    @Test func theAssembledDocumentIsTheEncodersOwn() throws {
        let schedule = try CronSchedule(parsing: "30 */6 * * 1-5")
        let jobs = [
            Job(
                name: "a/b \"quoted\"", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 3_600),
                timezone: "Europe/Paris", routes: ["ops"], labels: ["team": "données", "z": "</script>"], description: "línea\nnueva\t✓"),
            Job(name: "plain", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 60), verify: .none),
        ]
        let states = [
            DesiredState(settings: Settings(state: "/var/lib/monitor/state.sqlite"), destinations: [], routes: [], jobs: []),
            DesiredState(
                settings: Settings(state: "/s", publicURL: "https://monitor.example/x"),
                destinations: [Destination(name: "nas", path: "/srv/backups"), Destination(name: "b", path: "/b", keepVersions: 2)],
                routes: [], jobs: jobs),
        ]
        for state in states {
            let encoding = try state.canonicalEncoding()
            #expect(encoding.document == Array(try JSONEncoder.canonical.encode(state)))
            for job in state.jobs {
                #expect(encoding.jobs[job.name] == String(decoding: try JSONEncoder.canonical.encode(job), as: UTF8.self))
            }
            #expect(encoding.settings == String(decoding: try JSONEncoder.canonical.encode(state.settings), as: UTF8.self))
        }
    }
}
