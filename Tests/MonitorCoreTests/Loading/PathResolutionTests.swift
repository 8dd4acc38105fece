import Foundation
import MonitorCore
import MonitorTestSupport
import Testing

/// Relative paths are resolved against the folder of the file that writes them (SPEC §2).
@Suite struct PathResolutionTests {
    let folder: TemporaryFolder
    init() throws { folder = try TemporaryFolder("monitor-paths") }

    static let job = "jobs:\n  db: {destination: nas, schedule: \"@daily\", window: 1h}\n"

    @Test func theDefaultStateIsNextToAConfigurationFile() throws {
        try folder.write("etc/monitor.yaml", "version: 1\n")
        let configuration = try #require(ConfigLoader(workingDirectory: folder.path).load(path: "etc/monitor.yaml").configuration)
        #expect(configuration.settings.state == folder.path("etc/state.sqlite"))
    }

    @Test func theDefaultStateIsInAConfigurationFolder() throws {
        try folder.write("etc/monitor.d/a.yaml", "version: 1\n")
        let configuration = try #require(ConfigLoader(workingDirectory: folder.path).load(path: "etc/monitor.d").configuration)
        #expect(configuration.settings.state == folder.path("etc/monitor.d/state.sqlite"))
    }

    @Test func anAbsoluteConfigurationPathIgnoresTheWorkingDirectory() throws {
        let file = try folder.write("etc/monitor.yaml", "version: 1\n")
        let configuration = try #require(ConfigLoader(workingDirectory: "/nonexistent").load(path: file).configuration)
        #expect(configuration.settings.state == folder.path("etc/state.sqlite"))
    }

    @Test func stateAndDestinationPathsAreRelativeToTheDeclaringFile() throws {
        try folder.write(
            "etc/monitor.yaml",
            """
            version: 1
            settings:
              state: ../var/lib/monitor.sqlite
            destinations:
              nas: {path: backups/nas}
              parent: {path: ../srv/./backups/}
              absolute: {path: /srv/backups}
            alert_routes:
              mail:
                email: {to: [a@example.com], from: b@example.com, smtp_url: "smtp://mail", ca_file: certs/ca.pem}

            """)
        let configuration = try #require(ConfigLoader(workingDirectory: folder.path).load(path: "etc/monitor.yaml").configuration)
        #expect(configuration.settings.state == folder.path("var/lib/monitor.sqlite"))
        #expect(configuration.destination(named: "nas")?.path == folder.path("etc/backups/nas"))
        #expect(configuration.destination(named: "parent")?.path == folder.path("srv/backups"))
        #expect(configuration.destination(named: "absolute")?.path == "/srv/backups")
        guard case .email(let email) = configuration.route(named: "mail")?.channel else {
            Issue.record("the mail route lost its e-mail channel")
            return
        }
        #expect(email.caFile == folder.path("etc/certs/ca.pem"))
    }

    @Test func eachFileOfAFolderResolvesAgainstItsOwnFolder() throws {
        // Every file of a configuration folder lives in that folder; the working directory plays no part.
        try folder.write("conf/a.yaml", "version: 1\nsettings: {state: data/state.sqlite}\ndestinations: {nas: {path: nas}}\n")
        try folder.write("conf/b.yaml", "version: 1\ndestinations: {tape: {path: ../tape}}\n" + Self.job)
        let configuration = try #require(ConfigLoader(workingDirectory: folder.path).load(path: "conf").configuration)
        #expect(configuration.settings.state == folder.path("conf/data/state.sqlite"))
        #expect(configuration.destination(named: "nas")?.path == folder.path("conf/nas"))
        #expect(configuration.destination(named: "tape")?.path == folder.path("tape"))
    }

    @Test func theHostCheckLooksAtTheResolvedPath() throws {
        try folder.makeFolder("etc/backups/nas")
        try folder.write("etc/monitor.yaml", "version: 1\ndestinations:\n  nas: {path: backups/nas}\n  gone: {path: backups/gone}\n")
        let result = ConfigLoader(workingDirectory: folder.path).load(path: "etc/monitor.yaml")
        let warnings = HostChecks(environment: [:], strict: false).diagnostics(for: result.hostReferences)
        #expect(
            warnings.map(\.message) == [
                "folder \(folder.path("etc/backups/gone")) does not exist here (path of destination \"gone\"); create it or mount the storage before `monitor run`"
            ])
    }
}
