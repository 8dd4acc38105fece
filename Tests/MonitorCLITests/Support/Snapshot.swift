import Foundation
import Testing

/// Compares what a person reads with `Fixtures/snapshots/<name>`.
///
/// Run the tests with `UPDATE_SNAPSHOTS=1` to write the current output into the source tree
/// instead (then review the diff and rebuild, since the tests read the bundled copy).
func assertSnapshot(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let relative = "snapshots/\(name)"
    if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
        let url = Fixtures.sourceRoot.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(actual.utf8).write(to: url)
        return
    }
    guard let expected = try? Fixtures.text(relative) else {
        Issue.record("no snapshot \(relative); run the tests with UPDATE_SNAPSHOTS=1 to record it", sourceLocation: sourceLocation)
        return
    }
    guard actual != expected else { return }
    Issue.record(
        "output differs from \(relative) (UPDATE_SNAPSHOTS=1 rewrites it)\n\(lineDiff(expected: expected, actual: actual))",
        sourceLocation: sourceLocation)
}

/// The first lines that differ, in a form that shows trailing spaces and missing newlines.
private func lineDiff(expected: String, actual: String) -> String {
    let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var out: [String] = []
    for index in 0..<max(old.count, new.count) where out.count < 12 {
        let was = index < old.count ? String(reflecting: String(old[index])) : "(nothing)"
        let now = index < new.count ? String(reflecting: String(new[index])) : "(nothing)"
        if was != now { out.append("line \(index + 1):\n  - \(was)\n  + \(now)") }
    }
    return out.joined(separator: "\n")
}
