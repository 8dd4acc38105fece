import Foundation
import MonitorCore
import MonitorTestSupport
import Testing

/// A folder of `*.yaml` / `*.yml` files is read in name order and merged section by section (SPEC §2).
@Suite struct DirectoryMergeTests {
    let folder: TemporaryFolder
    init() throws { folder = try TemporaryFolder("monitor-merge") }

    func load(_ path: String = "config") -> LoadResult {
        ConfigLoader(workingDirectory: folder.path).load(path: path)
    }

    @Test func filesAreMergedInNameOrder() throws {
        // Byte order of names: "10-…" sorts before "9-…", upper case before lower case.
        try folder.write("config/9-late.yaml", "version: 1\njobs:\n  late: {destination: nas, schedule: \"@daily\", window: 1h}\n")
        try folder.write("config/10-early.yml", "version: 1\ndestinations:\n  nas: {path: /srv/backups}\n")
        try folder.write("config/A-upper.yaml", "version: 1\njobs:\n  upper: {destination: nas, schedule: \"@daily\", window: 1h}\n")
        let result = load()
        #expect(result.diagnostics.errors.isEmpty)
        let configuration = try #require(result.configuration)
        #expect(configuration.files == ["config/10-early.yml", "config/9-late.yaml", "config/A-upper.yaml"])
        #expect(configuration.jobs.map(\.value.name) == ["late", "upper"], "objects are sorted by name whatever the file")
        #expect(configuration.jobs.first?.location == SourceLocation(file: "config/9-late.yaml", line: 3, column: 3))
    }

    @Test func onlyYAMLFilesAtTheTopAreRead() throws {
        try folder.write("config/a.yaml", "version: 1\n")
        try folder.write("config/notes.txt", "not: [yaml\n")
        try folder.write("config/.hidden.yaml", "not: [yaml\n")
        try folder.write("config/sub/b.yaml", "version: 2\n")
        try folder.write("config/folder.yaml/c.yaml", "version: 3\n")
        let result = load()
        #expect(result.diagnostics.isEmpty)
        #expect(result.configuration?.files == ["config/a.yaml"])
    }

    @Test func settingsAreMergedKeyByKey() throws {
        try folder.write("config/a.yaml", "version: 1\nsettings:\n  timezone: Europe/Paris\n")
        try folder.write("config/b.yaml", "version: 1\nsettings:\n  scan_interval: 5m\n  listen: 0.0.0.0:9000\n")
        let settings = try #require(load().configuration?.settings)
        #expect(settings.timezone == "Europe/Paris")
        #expect(settings.scanInterval.description == "5m")
        #expect(settings.listen == ListenAddress(host: "0.0.0.0", port: 9000))
    }

    @Test func aSettingsTimezoneFromOneFileIsTheDefaultOfJobsInAnother() throws {
        try folder.write("config/a.yaml", "version: 1\nsettings: {timezone: Asia/Tokyo}\ndestinations: {nas: {path: /srv}}\n")
        try folder.write("config/b.yaml", "version: 1\njobs:\n  db: {destination: nas, schedule: \"@daily\", window: 1h}\n")
        #expect(load().configuration?.job(named: "db")?.timezone == "Asia/Tokyo")
    }

    @Test func aRepeatAcrossFilesPointsAtBothPlaces() throws {
        try folder.write("config/a.yaml", "version: 1\nsettings:\n  timezone: UTC\ndestinations:\n  nas: {path: /srv/a}\n")
        try folder.write("config/b.yaml", "version: 1\nsettings:\n  timezone: UTC\ndestinations:\n  nas: {path: /srv/b}\n")
        let result = load()
        #expect(result.configuration == nil)
        #expect(
            result.diagnostics.map(\.message) == [
                "setting \"timezone\" is already set at config/a.yaml:3:3; set it in one file only",
                "destination \"nas\" is declared twice; the first is at config/a.yaml:5:3",
            ])
        #expect(
            result.diagnostics.map(\.location) == [
                SourceLocation(file: "config/b.yaml", line: 3, column: 3), SourceLocation(file: "config/b.yaml", line: 5, column: 3),
            ])
    }

    @Test func anEmptyFolderIsAnError() throws {
        try folder.makeFolder("config")
        try folder.write("config/README.md", "nothing here\n")
        let result = load()
        #expect(result.configuration == nil)
        #expect(result.diagnostics == [Diagnostic(.error, "the configuration folder \"config\" has no *.yaml or *.yml file", file: "config")])
    }

    @Test func aMissingPathIsAnError() {
        let result = load("nowhere.yaml")
        #expect(
            result.diagnostics == [
                Diagnostic(
                    .error, "cannot read the configuration: \"nowhere.yaml\" does not exist (give --config PATH or set MONITOR_CONFIG)",
                    file: "nowhere.yaml")
            ])
    }

    @Test func aFileThatIsNotUTF8IsAnErrorOfThatFile() throws {
        try folder.write("config/a.yaml", "version: 1\n")
        try Data([0x76, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: folder.path("config/b.yaml")))
        let result = load()
        #expect(result.diagnostics.map(\.message) == ["\"config/b.yaml\" is not UTF-8 text; save it as UTF-8"])
        #expect(result.diagnostics.first?.file == "config/b.yaml")
    }

    @Test func theSourcesOfEveryFileAreKeptForTheCaret() throws {
        try folder.write("config/a.yaml", "version: 1\n")
        try folder.write("config/b.yaml", "version: 1\njobs: {}\n")
        #expect(load().sources == ["config/a.yaml": "version: 1\n", "config/b.yaml": "version: 1\njobs: {}\n"])
    }

    @Test(
        arguments: [
            (nil, [:], "monitor.yaml"), (nil, ["MONITOR_CONFIG": "/etc/monitor"], "/etc/monitor"),
            (nil, ["MONITOR_CONFIG": ""], "monitor.yaml"), ("given.yaml", ["MONITOR_CONFIG": "/etc/monitor"], "given.yaml"),
        ] as [(String?, [String: String], String)])
    func theConfigurationPathComesFromTheOptionThenTheEnvironment(_ option: String?, _ environment: [String: String], _ path: String) {
        #expect(ConfigLoader.path(option: option, environment: environment) == path)
    }
}
