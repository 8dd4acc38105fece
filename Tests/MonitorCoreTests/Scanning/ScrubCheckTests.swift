import Foundation
import MonitorCore
import Testing

/// The scrub's pure parts: what a re-read file is compared with, what makes a version due,
/// and how `settings.scrub` is stored.
@Suite struct ScrubCheckTests {
    static let recorded = VersionFile(path: "db/dump.sql", size: 1_000, sha256: String(repeating: "ab", count: 32))
    static let unhashed = VersionFile(path: "dump.sql", size: 10, sha256: nil)

    static let cases: [(VersionFile, ScrubObservation, String?)] = [
        (recorded, .read(size: 1_000, sha256: String(repeating: "ab", count: 32)), nil),
        (
            recorded, .read(size: 1_000, sha256: String(repeating: "cd", count: 32)),
            "db/dump.sql: content changed (SHA-256 cdcdcdcdcdcdcdcd… where abababababababab… was recorded at promotion)"
        ),
        (recorded, .read(size: 999, sha256: String(repeating: "ab", count: 32)), "db/dump.sql: 999 bytes where 1000 were recorded at promotion"),
        (recorded, .missing, "db/dump.sql: missing (1000 bytes were recorded at promotion)"),
        (recorded, .notRegularFile("a symbolic link"), "db/dump.sql: a symbolic link, not the regular file that was promoted"),
        (recorded, .unreadable("Permission denied"), "db/dump.sql: cannot be read (Permission denied)"),
        // Without a recorded hash only the size can differ.
        (unhashed, .read(size: 10, sha256: String(repeating: "0", count: 64)), nil),
        (unhashed, .read(size: 11, sha256: String(repeating: "0", count: 64)), "dump.sql: 11 bytes where 10 were recorded at promotion"),
    ]

    @Test(arguments: cases.indices) func comparesAFileWithWhatWasRecorded(_ index: Int) {
        let (file, observed, expected) = Self.cases[index]
        #expect(ScrubCheck.problem(with: file, observed: observed) == expected)
    }

    @Test func aReasonNamesTheFirstThreeFilesAndCountsTheRest() {
        #expect(ScrubCheck.reason(["a: missing"]) == "a: missing")
        #expect(ScrubCheck.reason(["a", "b", "c"]) == "a; b; c")
        #expect(ScrubCheck.reason(["a", "b", "c", "d"]) == "a; b; c; and 1 more file")
        #expect(ScrubCheck.reason(["a", "b", "c", "d", "e"]) == "a; b; c; and 2 more files")
    }

    @Test func aVersionIsDueWhenNeverCheckedOrCheckedThreeQuartersOfEveryAgo() {
        let scrub = ScrubSettings(every: TimeSpan(seconds: 40 * 86_400), budget: TimeSpan(seconds: 60))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(scrub.isDue(lastChecked: nil, now: now))
        #expect(scrub.isDue(lastChecked: now.addingTimeInterval(-30 * 86_400), now: now))
        #expect(!scrub.isDue(lastChecked: now.addingTimeInterval(-30 * 86_400 + 1), now: now))
        #expect(!scrub.isDue(lastChecked: now, now: now))
        #expect(scrub.overdueBefore(now: now) == now.addingTimeInterval(-40 * 86_400))
    }

    @Test(arguments: ["0", "00", "0s", "0m", "0h", "0d"]) func zeroInAnyUnitTurnsTheScrubOff(_ text: String) {
        #expect(ScrubSettings.isZero(text))
    }

    @Test(arguments: ["", "1s", "0x", "10", "0ms", "s", "-0"]) func otherTextIsNotZero(_ text: String) {
        #expect(!ScrubSettings.isZero(text))
    }

    @Test func theStoredFormKeepsOldStatesUnchangedAndRoundTrips() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // A configuration without `scrub:` stores no key at all: its digest does not change.
        let plain = Settings(state: "/s.sqlite")
        #expect(!String(decoding: try encoder.encode(plain), as: UTF8.self).contains("scrub"))
        #expect(plain.scrubSettings == .default)
        #expect(ScrubSettings.default.every == TimeSpan(seconds: 30 * 86_400) && ScrubSettings.default.budget == TimeSpan(seconds: 120))

        var off = plain
        off.scrub = ScrubSettings(every: TimeSpan(seconds: 7 * 86_400), budget: nil)
        let json = String(decoding: try encoder.encode(off), as: UTF8.self)
        #expect(json.contains(#""scrub":{"budget":"0","every":"7d"}"#))
        #expect(try JSONDecoder().decode(Settings.self, from: Data(json.utf8)) == off)
        #expect(off.scrubSettings.isOff)

        var on = plain
        on.scrub = ScrubSettings(every: TimeSpan(seconds: 86_400), budget: TimeSpan(seconds: 90))
        #expect(try JSONDecoder().decode(Settings.self, from: encoder.encode(on)) == on)
    }
}
