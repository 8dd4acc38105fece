import Foundation
import MonitorCore
import Testing

/// What the loader makes of valid files: every value as written, every default as documented.
@Suite struct ConfigDecodingTests {
    static func load(_ path: String) throws -> Configuration {
        let result = ConfigLoader(workingDirectory: ConfigFixture.root.path).load(path: path)
        #expect(result.diagnostics.errors.isEmpty, "\(result.diagnostics)")
        return try #require(result.configuration)
    }

    static func folder(_ relative: String) -> String {
        (ConfigFixture.root.appendingPathComponent(relative).path as NSString).standardizingPath
    }

    @Test func defaultsApplyWhenNothingIsSaid() throws {
        let configuration = try Self.load("valid/minimal.yaml")
        #expect(configuration.settings == Settings(state: Self.folder("valid/state.sqlite")))
        #expect(configuration.settings.scanInterval.description == "15m")
        #expect(configuration.settings.timezone == "UTC")
        #expect(configuration.settings.listen.description == "127.0.0.1:8080")
        #expect(configuration.destination(named: "nas") == Destination(name: "nas", path: Self.folder("valid/backups/nas"), keepVersions: 3))
        let job = try #require(configuration.job(named: "db"))
        #expect(job.destination == "nas")
        #expect(job.schedule.expression == "@daily")
        #expect(job.window.description == "2h")
        #expect(job.timezone == "UTC")
        #expect(job.verify == .sha256)
        #expect(job.routes.isEmpty)
        #expect(job.labels.isEmpty)
        #expect(job.description == nil)
        #expect(configuration.jobs.first?.location == SourceLocation(file: "valid/minimal.yaml", line: 9, column: 3))
    }

    @Test func everySettingIsRead() throws {
        let settings = try Self.load("valid/full.yaml").settings
        #expect(settings.state == Self.folder("valid/state/monitor.sqlite"))
        #expect(settings.scanInterval.description == "5m")
        #expect(settings.timezone == "Europe/Paris")
        #expect(settings.listen == ListenAddress(host: "::1", port: 9090))
        #expect(settings.publicURL == "https://backups.example.com/monitor")
        #expect(settings.apiTokenEnv == "MONITOR_API_TOKEN")
    }

    @Test func everyJobKeyIsRead() throws {
        let configuration = try Self.load("valid/full.yaml")
        #expect(configuration.jobs.map(\.value.name) == ["assets", "postgres-prod"])
        let postgres = try #require(configuration.job(named: "postgres-prod"))
        #expect(postgres.schedule.expression == "0 2 * * *")
        #expect(postgres.window.description == "3h")
        #expect(postgres.timezone == "America/New_York")
        #expect(postgres.routes == ["ops-email", "chat", "pager"], "routes keep the order written")
        #expect(postgres.labels == ["team": "data", "env": "prod", "tier.level": "1"])
        #expect(postgres.description == "Nightly pg_dump of the prod cluster")
        let assets = try #require(configuration.job(named: "assets"))
        #expect(assets.schedule.expression == "30 */6 * * MON-FRI")
        #expect(assets.window.description == "1h30m")
        #expect(assets.timezone == "Europe/Paris", "a job without a timezone takes settings.timezone")
        #expect(assets.verify == Verification.none)
        #expect(assets.labels == ["team": "web", "_internal": "yes"])
        #expect(assets.description == "rsync of the uploaded assets, every six hours on working days\n")
    }

    @Test func everyRouteKeyIsRead() throws {
        let configuration = try Self.load("valid/full.yaml")
        let ops = try #require(configuration.route(named: "ops-email"))
        #expect(ops.on == [.failed, .missing, .hashMismatch])
        #expect(ops.sendResolved == false)
        #expect(ops.repeatInterval?.description == "1d12h")
        let email = EmailChannel(
            to: [try EmailAddress(parsing: "ops@example.com"), try EmailAddress(parsing: "Backup Team <backups+alerts@mail.example.co.uk>")],
            from: try EmailAddress(parsing: "Backup Monitor <monitor@example.com>"), smtpURL: "smtp://mail.example.com:587",
            tls: .optional, caFile: Self.folder("valid/backups/nas/README.md"), username: "monitor", passwordEnv: "SMTP_PASSWORD")
        #expect(ops.channel == .email(email))

        let relay = try #require(configuration.route(named: "relay"))
        #expect(relay.on == [.hashMismatch])
        #expect(relay.sendResolved == true)
        #expect(relay.repeatInterval == nil)
        guard case .email(let relayEmail) = relay.channel else {
            Issue.record("relay is not an e-mail route")
            return
        }
        #expect(relayEmail.tls == TLSPolicy.none)
        #expect(relayEmail.username == nil && relayEmail.passwordEnv == nil && relayEmail.caFile == nil)

        guard case .email(let secure) = configuration.route(named: "secure-mail")?.channel else {
            Issue.record("secure-mail")
            return
        }
        #expect(secure.tls == .required)

        let chat = try #require(configuration.route(named: "chat"))
        #expect(chat.channel == .webhook(WebhookChannel(target: .env("CHAT_WEBHOOK_URL"), format: .slack)))
        #expect(chat.on == [.failed, .missing])
        let pager = try #require(configuration.route(named: "pager"))
        #expect(pager.channel == .webhook(WebhookChannel(target: .url("https://pager.example.com/v1/events?source=monitor"), format: .generic)))
        #expect(pager.on == Problem.allCases, "a route without on: receives every problem")
        #expect(pager.sendResolved)
    }

    @Test func destinationsKeepTheirVersionsCount() throws {
        let configuration = try Self.load("valid/full.yaml")
        #expect(configuration.destination(named: "nas")?.keepVersions == 1)
        #expect(
            configuration.destination(named: "offsite") == Destination(name: "offsite", path: Self.folder("valid/backups/offsite"), keepVersions: 30))
    }

    @Test func aFolderOfFilesMakesOneConfiguration() throws {
        let configuration = try Self.load("valid-dirs/team-split")
        #expect(configuration.files == ["valid-dirs/team-split/00-shared.yaml", "valid-dirs/team-split/data.yaml", "valid-dirs/team-split/web.yml"])
        #expect(configuration.settings.timezone == "Europe/Berlin")
        #expect(configuration.settings.scanInterval.description == "10m")
        #expect(configuration.settings.state == Self.folder("valid-dirs/team-split/state.sqlite"))
        #expect(configuration.jobs.map(\.value.name) == ["cms-db", "warehouse"])
        #expect(configuration.job(named: "warehouse")?.timezone == "Europe/Berlin")
        #expect(configuration.job(named: "cms-db")?.timezone == "UTC")
        #expect(configuration.routes.map(\.value.name) == ["data-chat", "oncall", "web-hook"])
        #expect(
            configuration.routes.map(\.location.file) == [
                "valid-dirs/team-split/data.yaml", "valid-dirs/team-split/00-shared.yaml", "valid-dirs/team-split/web.yml",
            ])
    }

    @Test func cronFormsAreKeptAsWritten() throws {
        let configuration = try Self.load("valid/cron-forms.yaml")
        #expect(configuration.job(named: "extra-spaces")?.schedule.expression == "0   2  *  *  *")
        #expect(configuration.job(named: "unquoted")?.schedule.expression == "15 1 * * *")
        #expect(configuration.jobs.count == 22)
    }
}
