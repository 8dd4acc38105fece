import MonitorCore
import Testing

@Suite struct TimeSpanTests {
    @Test(
        arguments: [
            ("90s", 90, "1m30s"), ("15m", 900, "15m"), ("3h", 10_800, "3h"), ("2d", 172_800, "2d"),
            ("1h30m", 5_400, "1h30m"), ("90m", 5_400, "1h30m"), ("1d2h3m4s", 93_784, "1d2h3m4s"),
            ("0h5m", 300, "5m"), ("24h", 86_400, "1d"), ("36h", 129_600, "1d12h"), ("1s", 1, "1s"),
            ("007m", 420, "7m"), ("36500d", 3_153_600_000, "36500d"),
        ] as [(String, Int64, String)])
    func parsesAndPrintsCanonically(_ text: String, _ seconds: Int64, _ canonical: String) throws {
        let span = try TimeSpan(parsing: text)
        #expect(span.seconds == seconds)
        #expect(span.description == canonical)
        #expect(try TimeSpan(parsing: span.description) == span, "the canonical form parses back to the same length")
    }

    @Test(arguments: [
        ("", "a duration cannot be empty; write e.g. 15m, 3h or 1h30m"),
        ("0m", "invalid duration \"0m\": must be greater than zero"),
        ("0h0m0s", "invalid duration \"0h0m0s\": must be greater than zero"),
        ("-1h", "invalid duration \"-1h\": a duration cannot be negative; write 1h"),
        ("-", "invalid duration \"-\": a duration cannot be negative"),
        ("+2h", "invalid duration \"+2h\": durations have no sign; write 2h"),
        ("90", "invalid duration \"90\": a unit is missing after 90; use d, h, m or s (e.g. 90m)"),
        ("1h30", "invalid duration \"1h30\": a unit is missing after 30; use d, h, m or s (e.g. 1h30m)"),
        ("h", "invalid duration \"h\": expected a number before \"h\""),
        ("30m1h", "invalid duration \"30m1h\": units go from largest to smallest, each once (d, h, m, s); write 1h30m"),
        ("1h1h", "invalid duration \"1h1h\": units go from largest to smallest, each once (d, h, m, s); write 2h"),
        ("3w", "invalid duration \"3w\": weeks are not a unit; write 21d"),
        ("2weeks", "invalid duration \"2weeks\": weeks are not a unit; write 14d"),
        ("3hours", "invalid duration \"3hours\": write units as one lowercase letter (d, h, m or s): 3h"),
        ("1hour30mins", "invalid duration \"1hour30mins\": write units as one lowercase letter (d, h, m or s): 1h30m"),
        ("3H", "invalid duration \"3H\": write units as one lowercase letter (d, h, m or s): 3h"),
        ("500ms", "invalid duration \"500ms\": durations count whole seconds; the shortest is 1s"),
        // Found by the fuzzer: a fraction too large for 64 bits trapped while the suggestion was built.
        ("10000000000000000000.5h", "invalid duration \"10000000000000000000.5h\": use whole numbers, e.g. 90m rather than 1.5h"),
        ("1mo", "invalid duration \"1mo\": months and years are not units (their length varies); write days, e.g. 30d"),
        ("1.5h", "invalid duration \"1.5h\": use whole numbers; write 1h30m"),
        ("2,5d", "invalid duration \"2,5d\": use whole numbers; write 2d12h"),
        ("1.5", "invalid duration \"1.5\": use whole numbers, e.g. 90m rather than 1.5h"),
        ("1h 30m", "invalid duration \"1h 30m\": remove the spaces; write 1h30m"),
        ("2x", "invalid duration \"2x\": unknown unit \"x\"; use d, h, m or s (e.g. 1h30m)"),
        ("1h-30m", "invalid duration \"1h-30m\": unexpected \"-\"; write a number and a unit, e.g. 15m, 3h or 1h30m"),
        ("99999999999999999999s", "invalid duration \"99999999999999999999s\": 99999999999999999999 is too large"),
        ("36501d", "invalid duration \"36501d\": is longer than 36500d, the longest accepted"),
        ("36500d1s", "invalid duration \"36500d1s\": is longer than 36500d, the longest accepted"),
    ])
    func refusesWithAMessageThatSaysWhatToWrite(_ text: String, _ message: String) {
        #expect(throws: TimeSpanParseError.self) { try TimeSpan(parsing: text) }
        do {
            _ = try TimeSpan(parsing: text)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func ordersByLength() throws {
        #expect(try TimeSpan(parsing: "59m") < TimeSpan(parsing: "1h"))
        #expect(try TimeSpan(parsing: "90m") == TimeSpan(parsing: "1h30m"))
    }
}
