import Foundation
import Testing

/// The Prometheus alerting rules the README points to work on the series `/metrics` exports:
/// `promtool test rules` runs them against those series and checks which alerts fire.
@Suite struct AlertRuleTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/prometheus")

    @Test func theExampleRulesFireForAFailedJobAndForOneThatNeverSucceeded() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["promtool", "test", "rules", "backup-alerts.test.yml"]
        process.currentDirectoryURL = Self.folder
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(said)")
        #expect(said.contains("SUCCESS"), "\(said)")
    }
}
