import Foundation
import MonitorCore
import MonitorTestSupport
import Testing

/// Configurations that once made the loader hang or mislead (issue 12), and the inputs the
/// fuzzers found (`Fuzz/regressions/`): each must end in diagnostics, in bounded time.
///
/// The bounds are not benchmarks: each input takes milliseconds now and took minutes or hours
/// before its fix, so a failure means the slow path is back, not a slow machine.
@Suite struct HostileYAMLTests {
    let folder: TemporaryFolder
    init() throws { folder = try TemporaryFolder("monitor-hostile-yaml") }

    /// Loads `text` as `monitor.yaml` on a thread of its own; `nil` when it has not finished within `seconds`.
    func load(_ text: String, within seconds: Double = 10) throws -> LoadResult? {
        try folder.write("monitor.yaml", text)
        let loader = ConfigLoader(workingDirectory: folder.path)
        return Self.finishing(within: seconds) { loader.load(path: "monitor.yaml") }
    }

    // MARK: - Keys that are not text

    /// `a0` is a list of two words, each `aN` a list of two aliases of `aN-1`: 2^depth words once
    /// expanded. Yams hashed such a key, expanded, to check its mapping for repeats: depth 6 took
    /// 11 s, and each level doubles it or more.
    static func aliasBomb(depth: Int, keyedAt place: String) -> String {
        var lines = ["version: 1", "x-anchors:", "  a0: &a0 [lol, lol]"]
        lines += (1...depth).map { "  a\($0): &a\($0) [*a\($0 - 1), *a\($0 - 1)]" }
        lines += [
            "destinations:", "  nas: {path: /srv/backups}", "jobs:", "  db:", "    destination: nas",
            "    schedule: \"@daily\"", "    window: 1h", "    labels:",
        ]
        switch place {
        case "labels": lines += ["      ? *a\(depth)", "      : x"]
        default: lines += ["? *a\(depth)", ": x"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(arguments: ["labels", "top level"])
    func anAliasOfABillionLaughsListAsAKeyIsAnErrorFoundWithoutExpandingIt(_ place: String) throws {
        let depth = 40
        let result = try #require(
            try load(Self.aliasBomb(depth: depth, keyedAt: place)),
            "loading an alias bomb used as a key did not finish within 10 s")
        let line = depth + 12
        let column = place == "labels" ? 9 : 3
        #expect(result.configuration == nil)
        #expect(
            result.diagnostics.contains(
                .error(
                    "mapping keys must be plain text, not an alias of a list (*a\(depth))",
                    at: SourceLocation(file: "monitor.yaml", line: line, column: column))),
            "\(result.diagnostics)")
    }

    @Test func aBillionLaughsListAsAValueIsReadWithoutExpandingIt() throws {
        let text = Self.aliasBomb(depth: 40, keyedAt: "labels").replacingOccurrences(of: "      ? *a40\n      : x\n", with: "      team: *a40\n")
        let result = try #require(try load(text), "loading an alias bomb used as a value did not finish within 10 s")
        #expect(result.diagnostics.errors.map(\.message).contains("label \"team\" in labels of job \"db\" must be a single value, found a list"))
    }

    @Test func thousandsOfRepeatedKeysAreReportedInOnePass() throws {
        // Each mapping with a repeat used to cost one more parse of the whole file.
        var lines = ["version: 1", "destinations:", "  nas: {path: /srv/backups}", "jobs:"]
        for index in 0..<3_000 {
            lines += ["  job\(index):", "    destination: nas", "    schedule: \"@daily\"", "    window: 1h", "    window: 2h"]
        }
        let result = try #require(try load(lines.joined(separator: "\n") + "\n"), "3,000 repeated keys were not reported within 10 s")
        let repeats = result.diagnostics.filter { $0.message.hasPrefix("\"window\" is set twice") }
        #expect(repeats.count == 3_000)
        #expect(repeats.last?.location == SourceLocation(file: "monitor.yaml", line: 4 + 5 * 3_000, column: 5))
        #expect(repeats.last?.message == "\"window\" is set twice in job \"job2999\"; the first is at monitor.yaml:\(3 + 5 * 3_000):5")
    }

    // MARK: - Byte order mark

    @Test func aByteOrderMarkBeforeTheFirstKeyIsSkipped() throws {
        let text = "\u{FEFF}version: 1\ndestinations:\n  nas: {path: /srv/backups}\n"
        let result = try #require(try load(text))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.configuration != nil)
        #expect(result.sources["monitor.yaml"]?.unicodeScalars.first == "v", "the text shown under diagnostics has no mark either")
    }

    @Test func columnsOnTheFirstLineCountFromTheCharacterAfterAByteOrderMark() throws {
        let result = try #require(try load("\u{FEFF}verison: 1\n"))
        #expect(
            result.diagnostics.contains(
                .error(
                    "unknown key \"verison\" in the top level; did you mean \"version\"?",
                    at: SourceLocation(file: "monitor.yaml", line: 1, column: 1))),
            "\(result.diagnostics)")
    }

    // MARK: - Inputs the fuzzers found

    static let regressions = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/regressions")

    static func regressionInputs(_ target: String) -> [String] {
        let folder = regressions.appendingPathComponent(target).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test(arguments: regressionInputs("config"))
    func configRegressionEndsInAConfigurationOrErrors(_ name: String) throws {
        let data = try Data(contentsOf: Self.regressions.appendingPathComponent("config/\(name)"))
        try data.write(to: URL(fileURLWithPath: folder.path("monitor.yaml")))
        let loader = ConfigLoader(workingDirectory: folder.path)
        let result = try #require(Self.finishing(within: 10) { loader.load(path: "monitor.yaml") }, "\(name) did not load within 10 s")
        #expect((result.configuration == nil) == result.diagnostics.hasErrors)
        _ = DiagnosticFormatter(sources: result.sources).render(result.diagnostics, as: .text)
    }

    @Test func theRegressionInputsAreFound() {
        #expect(!Self.regressionInputs("config").isEmpty, "no input under \(Self.regressions.path)/config")
    }

    // MARK: - Time bound

    /// The result of `work`, run on a thread of its own, or `nil` when it has not finished within
    /// `seconds` (the thread is then left to run until the test process ends).
    static func finishing<T: Sendable>(within seconds: Double, _ work: @escaping @Sendable () -> T) -> T? {
        let outcome = Outcome<T>()
        let thread = Thread {
            outcome.set(work())
        }
        thread.stackSize = 8 << 20
        thread.start()
        return outcome.wait(seconds: seconds)
    }

    private final class Outcome<T: Sendable>: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var value: T?

        func set(_ value: T) {
            lock.withLock { self.value = value }
            done.signal()
        }

        func wait(seconds: Double) -> T? {
            guard done.wait(timeout: .now() + seconds) == .success else { return nil }
            return lock.withLock { value }
        }
    }
}
