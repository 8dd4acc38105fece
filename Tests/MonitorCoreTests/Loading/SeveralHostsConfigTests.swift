import Foundation
import MonitorCore
import MonitorTestSupport
import Testing

/// The keys of several hosts sharing one PostgreSQL state (SPEC §12): `settings.state` as a URL,
/// `settings.state_password_env`, `settings.default_host` and `destinations.NAME.host`. The
/// fixtures `valid/postgres-state*.yaml`, `valid/sqlite-state-hosts.yaml` and the invalid ones
/// hold the exact messages; these tests check the values read and the stored form.
@Suite struct SeveralHostsConfigTests {
    @Test func aPostgresStateIsKeptAsWrittenAndHostsAreRead() throws {
        let configuration = try ConfigDecodingTests.load("valid/postgres-state.yaml")
        let settings = configuration.settings
        #expect(settings.state == "postgres://monitor@db.example.com:5432/monitor?sslmode=verify-full", "a URL is not resolved as a path")
        #expect(settings.stateIsPostgres)
        #expect(settings.statePasswordEnv == "MONITOR_DB_PASSWORD")
        #expect(settings.statePasswordVariable == "MONITOR_DB_PASSWORD")
        #expect(settings.defaultHost == "backup-01")
        let nas = try #require(configuration.destination(named: "nas"))
        let offsite = try #require(configuration.destination(named: "offsite"))
        #expect(nas.host == nil, "the default host is not copied into the destination")
        #expect(offsite.host == "Backup-02.example.com")
        #expect(configuration.host(of: nas) == "backup-01")
        #expect(configuration.host(of: offsite) == "Backup-02.example.com")
        #expect(nas.effectiveHost(settings: settings) == "backup-01")
        #expect(configuration.destinations(onHost: "backup-01").map(\.name) == ["nas"])
        #expect(configuration.destinations(onHost: "Backup-02.example.com").map(\.name) == ["offsite"])
        #expect(configuration.destinations(onHost: "backup-03").isEmpty)
        #expect(configuration.destinationsWithoutHost.isEmpty)
    }

    @Test func withoutStatePasswordEnvThePasswordIsInPGPASSWORD() throws {
        let configuration = try ConfigDecodingTests.load("valid/postgres-state-hosts.yaml")
        #expect(configuration.settings.state == "postgresql://backup_monitor@[::1]/monitor")
        #expect(configuration.settings.statePasswordEnv == nil)
        #expect(configuration.settings.statePasswordVariable == "PGPASSWORD")
        #expect(configuration.settings.defaultHost == nil)
        #expect(configuration.destinations.map { configuration.host(of: $0.value) } == ["backup-01", "backup_02"])
    }

    @Test func withAnSQLiteStateHostsAreReadAndNotRequired() throws {
        let configuration = try ConfigDecodingTests.load("valid/sqlite-state-hosts.yaml")
        #expect(configuration.settings.state == ConfigDecodingTests.folder("valid/state/monitor.sqlite"))
        #expect(!configuration.settings.stateIsPostgres)
        #expect(configuration.destination(named: "nas")?.host == "backup-02")
        #expect(configuration.host(of: try #require(configuration.destination(named: "offsite"))) == "backup-01")
        #expect(configuration.destinationsWithoutHost.isEmpty)
        let minimal = try ConfigDecodingTests.load("valid/minimal.yaml")
        #expect(minimal.destinations.allSatisfy { minimal.host(of: $0.value) == nil })
        #expect(minimal.destinationsWithoutHost.map(\.value.name) == ["nas"], "for a PostgreSQL state given by --state")
    }

    @Test func aPasswordInTheStateURLIsNeverQuoted() throws {
        let result = ConfigLoader(workingDirectory: ConfigFixture.root.path).load(path: "invalid/state-postgres-password.yaml")
        #expect(result.configuration == nil)
        let errors = result.diagnostics.errors
        #expect(errors.count == 2)
        #expect(errors.contains { $0.message.contains("carries a password") && $0.location?.line == 5 && $0.location?.column == 10 })
        for diagnostic in result.diagnostics {
            #expect(!diagnostic.message.contains("s3cret") && !diagnostic.message.contains("Pa55"), "\(diagnostic.message)")
        }
        let other = ConfigLoader(workingDirectory: ConfigFixture.root.path).load(path: "invalid/state-other-scheme.yaml")
        #expect(other.diagnostics.errors.count == 1)
        #expect(!other.diagnostics.contains { $0.message.contains("secret") })
    }

    @Test func hostsAreRequiredOnlyWithAPostgresStateAndNoDefaultHost() throws {
        let folder = try TemporaryFolder("monitor-hosts")
        func errors(_ settings: String) throws -> [String] {
            try folder.write(
                "monitor.yaml", "version: 1\nsettings: {\(settings)}\ndestinations:\n  nas: {path: /srv/a}\n  usb: {path: /srv/b, host: usb-01}\n")
            return ConfigLoader(workingDirectory: folder.path).load(path: "monitor.yaml").diagnostics.errors.map(\.message)
        }
        #expect(
            try errors("state: postgres://u@h/d") == [
                "destination \"nas\" has no host: with a PostgreSQL state each destination is scanned by the agent of the machine that holds it; "
                    + "set destinations.nas.host or settings.default_host"
            ])
        #expect(try errors("state: postgres://u@h/d, default_host: backup-01").isEmpty)
        #expect(try errors("state: state.sqlite").isEmpty)
        #expect(try errors("default_host: backup-01").isEmpty)
        #expect(try errors("").isEmpty)
    }

    @Test func hostNames() {
        #expect(HostName.problem(with: "backup-01") == nil)
        #expect(HostName.problem(with: "Backup_01.Example.COM") == nil)
        #expect(HostName.problem(with: "10.0.0.7") == nil)
        #expect(HostName.problem(with: String(repeating: "a", count: 253)) == nil)
        #expect(HostName.problem(with: String(repeating: "a", count: 254)) == "is 254 characters long; host names have at most 253")
        #expect(HostName.problem(with: "") == "a host name cannot be empty")
        #expect(HostName.problem(with: "bäckup") == "contains \"ä\"; use letters, digits, \".\", \"-\" and \"_\"")
        #expect(HostName.problem(with: "a\tb")?.hasPrefix("contains a tab") == true)
        #expect(HostName.problem(with: "::1")?.hasSuffix("without a port") == true)
    }

    /// A configuration applied before these keys existed keeps its digest: this is the stored
    /// form (and SHA-256 e3bdb192…) that a release before them wrote, in
    /// `Tests/MonitorRuntimeTests/Fixtures/state-v1/state.sqlite`.
    static let storedBeforeHosts = """
        {"destinations":[{"keep_versions":2,"name":"nas","path":"/tmp/golden/backups"}],"jobs":[{"destination":"nas","labels":{},"name":"broken",\
        "routes":["mail","hook"],"schedule":"0 2 * * *","timezone":"UTC","verify":"sha256","window":"3h"},{"description":"Nightly dump",\
        "destination":"nas","labels":{"team":"data"},"name":"ok","routes":["mail","hook"],"schedule":"0 2 * * *","timezone":"UTC",\
        "verify":"sha256","window":"3h"},{"destination":"nas","labels":{},"name":"silent","routes":["hook"],"schedule":"0 */6 * * *",\
        "timezone":"Europe/Paris","verify":"sha256","window":"1h"},{"destination":"nas","labels":{},"name":"tampered","routes":["mail"],\
        "schedule":"0 2 * * *","timezone":"UTC","verify":"sha256","window":"3h"}],"routes":[{"channel":{"webhook":{"format":"slack",\
        "url":"http://127.0.0.1:1/hook"}},"name":"hook","on":["FAILED","MISSING"],"repeat_interval":"12h","send_resolved":true},\
        {"channel":{"email":{"from":"monitor@example.com","smtp_url":"smtp://127.0.0.1:1","tls":"none","to":["ops@example.com"]}},\
        "name":"mail","on":["FAILED","MISSING","HASH_MISMATCH"],"send_resolved":true}],"settings":{"listen":"127.0.0.1:8080",\
        "public_url":"https://backups.example.com","scan_interval":"15m","state":"/tmp/golden/state.sqlite","timezone":"UTC"}}
        """

    @Test func aConfigurationWithoutTheNewKeysIsStoredAsBefore() throws {
        let state = try JSONDecoder().decode(DesiredState.self, from: Data(Self.storedBeforeHosts.utf8))
        #expect(state.settings.defaultHost == nil && state.settings.statePasswordEnv == nil)
        #expect(state.destinations.allSatisfy { $0.host == nil })
        #expect(String(decoding: try state.canonicalJSON(), as: UTF8.self) == Self.storedBeforeHosts)

        let minimal = String(decoding: try DesiredState(ConfigDecodingTests.load("valid/minimal.yaml")).canonicalJSON(), as: UTF8.self)
        for key in ["host", "default_host", "state_password_env"] { #expect(!minimal.contains("\"\(key)\""), "\(key) in \(minimal)") }
    }

    @Test func theNewKeysAreStoredWhenWrittenAndPlanned() throws {
        let written = DesiredState(try ConfigDecodingTests.load("valid/postgres-state.yaml"))
        let json = String(decoding: try written.canonicalJSON(), as: UTF8.self)
        #expect(json.contains("\"host\":\"Backup-02.example.com\""))
        #expect(json.contains("\"default_host\":\"backup-01\""))
        #expect(json.contains("\"state_password_env\":\"MONITOR_DB_PASSWORD\""))
        #expect(try JSONDecoder().decode(DesiredState.self, from: Data(json.utf8)) == written)

        var moved = written
        moved.destinations[0].host = "backup-03"
        let plan = try Planner.plan(from: written, to: moved)
        #expect(plan.summary == Plan.Summary(add: 0, change: 1, remove: 0))
        let text = PlanRenderer.text(plan)
        #expect(text.contains("~ destination nas") && text.contains("backup-03"), "\(text)")
    }
}
