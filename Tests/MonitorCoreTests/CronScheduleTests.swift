import Foundation
import MonitorTestSupport
import Testing

@testable import MonitorCore

// Cron schedules (SPEC §2): parsing and its errors, daylight saving written out by hand, the
// day-of-month/day-of-week rule, February 29, the next/latest consistency, and a replay of a
// table computed by croniter (scripts/gen-cron-table.py) with every difference listed below.

// MARK: - Helpers

/// An instant written in RFC 3339 with its offset, e.g. "2026-03-29T03:00+02:00".
private func at(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    // Seconds are optional here ("T03:00+02:00"); fractions are allowed.
    var full = text.count == 22 ? String(text.prefix(16)) + ":00" + text.dropFirst(16) : text
    if !full.contains(".") { full = String(full.prefix(19)) + ".000" + full.dropFirst(19) }
    guard let date = formatter.date(from: full) else { fatalError("bad instant in test: \(text)") }
    return date
}

private func zone(_ identifier: String) -> TimeZone {
    guard let zone = TimeZone(identifier: identifier) else { fatalError("unknown zone in test: \(identifier)") }
    return zone
}

/// `date` on the wall clock of `zone` with its offset, e.g. "2026-03-29T03:00+02:00".
private func local(_ date: Date?, _ zone: TimeZone) -> String {
    guard let date else { return "nil" }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = zone
    formatter.dateFormat =
        date.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0
        ? "yyyy-MM-dd'T'HH:mmxxx" : "yyyy-MM-dd'T'HH:mm:ssxxx"
    return formatter.string(from: date)
}

private func schedule(_ text: String) throws -> CronSchedule { try CronSchedule(parsing: text) }

/// The next `count` instants after `start`, each computed from the previous one.
private func upcoming(_ expression: String, in zoneName: String, after start: String, count: Int) throws -> [String] {
    let cron = try schedule(expression)
    let tz = zone(zoneName)
    var result: [String] = []
    var current = at(start)
    for _ in 0..<count {
        guard let next = cron.next(after: current, in: tz) else { break }
        result.append(local(next, tz))
        current = next
    }
    return result
}

private func latest(_ expression: String, in zoneName: String, atOrBefore instant: String) throws -> String {
    let tz = zone(zoneName)
    return local(try schedule(expression).latest(atOrBefore: at(instant), in: tz), tz)
}

// MARK: - Parsing

@Suite struct CronParsingTests {
    @Test(arguments: [
        "* * * * *", "0 2 * * *", "*/15 * * * *", "0 1-3 * * *", "5/15 * * * *", "0-10/5,30 * * * *",
        "0 9-17/2 * * MON-FRI", "0 0 * jan-DEC *", "0 0 * * sun-sat", "0 0 * * 0-7", "0 0 * * 7",
        "0 0 29 2 *", "0 0 30 2 MON", "0 0 31 * *", "0 0 29 2 */3", "*/59 */23 */30 */11 */6",
        "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@DAILY",
    ])
    func acceptsValidExpressions(_ text: String) throws {
        #expect(try schedule(text).expression == text)
    }

    @Test func keepsTheTrimmedExpression() throws {
        let cron = try schedule(" \t0  2 *\t* *  \n")
        #expect(cron.expression == "0  2 *\t* *")
        #expect(cron.description == "0  2 *\t* *")
        #expect(try schedule("  @daily ").expression == "@daily")
        #expect(try schedule("0 2 * * *") == schedule("0 2 * * *"))
        #expect(try schedule("0 2 * * *") != schedule("0 3 * * *"))
    }

    @Test func macrosMeanTheirExpansion() throws {
        let start = at("2026-05-13T10:00+00:00")
        for (macro, expansion) in [
            ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"), ("@weekly", "0 0 * * 0"),
            ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"),
        ] {
            #expect(
                try schedule(macro).next(after: start, in: zone("UTC"))
                    == schedule(expansion).next(after: start, in: zone("UTC")))
        }
    }

    struct Failure: CustomTestStringConvertible, Sendable {
        let text: String
        let message: String
        let offset: Int
        var testDescription: String { String(reflecting: text) }
    }

    private static let fieldList = "(minute hour day-of-month month day-of-week)"

    @Test(arguments: [
        Failure(
            text: "", message: "empty schedule: expected 5 fields \(fieldList) or a macro such as @daily", offset: 0),
        Failure(
            text: "  \t ", message: "empty schedule: expected 5 fields \(fieldList) or a macro such as @daily",
            offset: 0),
        Failure(text: "0 2 * *", message: "expected 5 fields \(fieldList), found 4", offset: 7),
        Failure(text: "0 2 * * * *", message: "expected 5 fields \(fieldList), found 6", offset: 10),
        Failure(text: "0 0 0 2 * * 2026", message: "expected 5 fields \(fieldList), found 7", offset: 10),
        Failure(text: "60 * * * *", message: "minute \"60\" is out of range 0-59", offset: 0),
        Failure(text: "0 24 * * *", message: "hour \"24\" is out of range 0-23", offset: 2),
        Failure(text: "0 0 0 * *", message: "day-of-month \"0\" is out of range 1-31", offset: 4),
        Failure(text: "0 0 1,32 * *", message: "day-of-month \"32\" is out of range 1-31", offset: 6),
        Failure(text: "0 0 * 13 *", message: "month \"13\" is out of range 1-12", offset: 6),
        Failure(text: "0 0 * * 8", message: "day-of-week \"8\" is out of range 0-7", offset: 8),
        Failure(
            text: "99999999999999999999 * * * *", message: "minute \"99999999999999999999\" is out of range 0-59",
            offset: 0),
        Failure(text: "0 0 * JNA *", message: "unknown month name \"JNA\"", offset: 6),
        Failure(text: "0 0 * JAN-JNU *", message: "unknown month name \"JNU\"", offset: 10),
        Failure(text: "0 0 * * MNO", message: "unknown day-of-week name \"MNO\"", offset: 8),
        Failure(text: "0 0 * * monday", message: "unknown day-of-week name \"monday\"", offset: 8),
        Failure(text: "0 MON * * *", message: "hour \"MON\" is not a number", offset: 2),
        Failure(text: "0 0 L * *", message: "day-of-month \"L\" is not a number", offset: 4),
        Failure(text: "0 0 * 1a *", message: "month \"1a\" is not a number or a month name", offset: 6),
        Failure(text: "0 0 * * 1-*", message: "day-of-week \"*\" is not a number or a day-of-week name", offset: 10),
        Failure(text: "*/0 * * * *", message: "minute step in \"*/0\" is 0; a step must be at least 1", offset: 2),
        Failure(text: "0 1-5/0 * * *", message: "hour step in \"1-5/0\" is 0; a step must be at least 1", offset: 6),
        Failure(
            text: "*/90 * * * *",
            message:
                "minute step 90 in \"*/90\" is larger than the field (0-59) and would select a single value: steps do not carry over into the next hour",
            offset: 2
        ),
        Failure(
            text: "0 0 * * */7",
            message:
                "day-of-week step 7 in \"*/7\" is larger than the field (0-6) and would select a single value: steps do not carry over into the next week",
            offset: 10
        ),
        Failure(text: "*/x * * * *", message: "minute step \"x\" is not a number", offset: 2),
        Failure(text: "*/ * * * *", message: "minute \"*/\" is missing a step after \"/\"", offset: 1),
        Failure(text: "*/5/2 * * * *", message: "minute \"*/5/2\" has more than one \"/\"", offset: 3),
        Failure(text: "/5 * * * *", message: "minute \"/5\" is missing a value before \"/\"", offset: 0),
        Failure(
            text: "0 5-2 * * *",
            message: "hour range \"5-2\" is reversed: ranges do not wrap around; write \"5-23,0-2\"", offset: 2),
        Failure(
            text: "0 0 * * FRI-MON",
            message: "day-of-week range \"FRI-MON\" is reversed: ranges do not wrap around; write \"FRI-SAT,SUN-MON\"",
            offset: 8
        ),
        Failure(
            text: "0 0 * NOV-feb/2 *",
            message: "month range \"NOV-feb\" is reversed: ranges do not wrap around; write \"NOV-DEC,JAN-feb\"",
            offset: 6
        ),
        Failure(text: "-5 * * * *", message: "minute range \"-5\" is missing its start", offset: 0),
        Failure(text: "5- * * * *", message: "minute range \"5-\" is missing its end", offset: 1),
        Failure(text: "1-2-3 * * * *", message: "minute range \"1-2-3\" has more than one \"-\"", offset: 3),
        Failure(text: "1,,2 * * * *", message: "minute \"1,,2\" has an empty list item", offset: 2),
        Failure(text: "0 1, * * *", message: "hour \"1,\" has an empty list item", offset: 4),
        Failure(
            text: "0 0 ? * *",
            message:
                "unexpected character \"?\" in day-of-month \"?\": use numbers, names, *, lists (,), ranges (-) and steps (/)",
            offset: 4
        ),
        Failure(
            text: "0 0 * * 5#2",
            message:
                "unexpected character \"#\" in day-of-week \"5#2\": use numbers, names, *, lists (,), ranges (-) and steps (/)",
            offset: 9
        ),
        Failure(text: "0 0 30 2 *", message: "schedule never fires: February has no day 30", offset: 4),
        Failure(text: "0 0 31 4,6 *", message: "schedule never fires: April and June have no day 31", offset: 4),
        Failure(text: "0 0 30,31 FEB *", message: "schedule never fires: February has no day 30 or 31", offset: 4),
        Failure(
            text: "0 0 31 2,4,6,9,11 *",
            message: "schedule never fires: February, April, June, September and November have no day 31",
            offset: 4
        ),
        Failure(text: "0\t0  31 2 */2", message: "schedule never fires: February has no day 31", offset: 5),
        Failure(
            text: "@reboot",
            message:
                "@reboot is not supported: a monitor needs a schedule to know when a backup is due; use a 5-field expression or @hourly, @daily, @weekly, @monthly, @yearly",
            offset: 0
        ),
        Failure(
            text: "  @reboot",
            message:
                "@reboot is not supported: a monitor needs a schedule to know when a backup is due; use a 5-field expression or @hourly, @daily, @weekly, @monthly, @yearly",
            offset: 2
        ),
        Failure(
            text: "@fortnightly",
            message:
                "unknown macro \"@fortnightly\"; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly",
            offset: 0
        ),
        Failure(text: "@daily 5", message: "unexpected text after @daily: a macro replaces all 5 fields", offset: 7),
        // Offsets count Characters: "\r\n" and "é" are one each.
        Failure(text: "0 2\r\n* * 8", message: "day-of-week \"8\" is out of range 0-7", offset: 8),
        Failure(
            text: "é 2 * * *",
            message:
                "unexpected character \"é\" in minute \"é\": use numbers, names, *, lists (,), ranges (-) and steps (/)",
            offset: 0),
    ])
    func refusesWithMessageAndOffset(_ failure: Failure) {
        #expect(throws: CronParseError(message: failure.message, offset: failure.offset)) {
            try CronSchedule(parsing: failure.text)
        }
    }

    @Test func errorDescribesItselfByItsMessage() {
        #expect(
            CronParseError(message: "minute \"60\" is out of range 0-59", offset: 0).description
                == "minute \"60\" is out of range 0-59")
    }
}

// MARK: - Daylight saving, written out by hand (SPEC §2)

@Suite struct CronDaylightSavingTests {
    // Paris, 2026-03-29: at 02:00 CET the clocks jump to 03:00 CEST (01:00Z).
    @Test func parisSpringForwardFiresAtTheTransition() throws {
        #expect(
            try upcoming("30 2 * * *", in: "Europe/Paris", after: "2026-03-28T12:00+01:00", count: 3)
                == ["2026-03-29T03:00+02:00", "2026-03-30T02:30+02:00", "2026-03-31T02:30+02:00"])
        // 02:00 (skipped) and 03:00 are the same instant: it fires once.
        #expect(
            try upcoming("0 2,3 * * *", in: "Europe/Paris", after: "2026-03-28T12:00+01:00", count: 3)
                == ["2026-03-29T03:00+02:00", "2026-03-30T02:00+02:00", "2026-03-30T03:00+02:00"])
        #expect(
            try upcoming("*/20 * * * *", in: "Europe/Paris", after: "2026-03-29T01:30+01:00", count: 4)
                == [
                    "2026-03-29T01:40+01:00", "2026-03-29T03:00+02:00", "2026-03-29T03:20+02:00",
                    "2026-03-29T03:40+02:00",
                ])
        #expect(
            try upcoming("5,35 * * * *", in: "Europe/Paris", after: "2026-03-29T01:40+01:00", count: 3)
                == ["2026-03-29T03:00+02:00", "2026-03-29T03:05+02:00", "2026-03-29T03:35+02:00"])
        #expect(
            try latest("30 2 * * *", in: "Europe/Paris", atOrBefore: "2026-03-29T03:10+02:00")
                == "2026-03-29T03:00+02:00")
        #expect(
            try latest("30 2 * * *", in: "Europe/Paris", atOrBefore: "2026-03-29T01:59+01:00")
                == "2026-03-28T02:30+01:00")
        #expect(
            try latest("0 2,3 * * *", in: "Europe/Paris", atOrBefore: "2026-03-29T03:00+02:00")
                == "2026-03-29T03:00+02:00")
    }

    // Paris, 2026-10-25: at 03:00 CEST the clocks go back to 02:00 CET (01:00Z); 02:00-02:59 twice.
    @Test func parisFallBackFiresOnceAtTheFirstInstance() throws {
        #expect(
            try upcoming("30 2 * * *", in: "Europe/Paris", after: "2026-10-24T12:00+02:00", count: 3)
                == ["2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00", "2026-10-27T02:30+01:00"])
        #expect(
            try upcoming("*/20 * * * *", in: "Europe/Paris", after: "2026-10-25T02:10+02:00", count: 5)
                == [
                    "2026-10-25T02:20+02:00", "2026-10-25T02:40+02:00", "2026-10-25T03:00+01:00",
                    "2026-10-25T03:20+01:00", "2026-10-25T03:40+01:00",
                ])
        // From inside the second pass, the repeated times are already past.
        #expect(
            try upcoming("*/20 * * * *", in: "Europe/Paris", after: "2026-10-25T02:30+01:00", count: 1) == [
                "2026-10-25T03:00+01:00"
            ])
        #expect(
            try upcoming("30 2 * * *", in: "Europe/Paris", after: "2026-10-25T02:30+01:00", count: 1) == [
                "2026-10-26T02:30+01:00"
            ])
        #expect(
            try latest("*/20 * * * *", in: "Europe/Paris", atOrBefore: "2026-10-25T02:50+01:00")
                == "2026-10-25T02:40+02:00")
        #expect(
            try latest("30 2 * * *", in: "Europe/Paris", atOrBefore: "2026-10-25T02:50+01:00")
                == "2026-10-25T02:30+02:00")
        #expect(
            try latest("0 2 * * *", in: "Europe/Paris", atOrBefore: "2026-10-25T02:00+01:00")
                == "2026-10-25T02:00+02:00")
        #expect(
            try latest("0 3 * * *", in: "Europe/Paris", atOrBefore: "2026-10-25T02:59+01:00")
                == "2026-10-24T03:00+02:00")
    }

    // New York, 2026-03-08: at 02:00 EST the clocks jump to 03:00 EDT (07:00Z).
    @Test func newYorkSpringForwardFiresAtTheTransition() throws {
        #expect(
            try upcoming("30 2 * * *", in: "America/New_York", after: "2026-03-07T12:00-05:00", count: 2)
                == ["2026-03-08T03:00-04:00", "2026-03-09T02:30-04:00"])
        #expect(
            try upcoming("0 1-3 * * *", in: "America/New_York", after: "2026-03-08T00:00-05:00", count: 3)
                == ["2026-03-08T01:00-05:00", "2026-03-08T03:00-04:00", "2026-03-09T01:00-04:00"])
        #expect(
            try latest("30 2 * * *", in: "America/New_York", atOrBefore: "2026-03-08T03:59-04:00")
                == "2026-03-08T03:00-04:00")
    }

    // New York, 2026-11-01: at 02:00 EDT the clocks go back to 01:00 EST (06:00Z); 01:00-01:59 twice.
    @Test func newYorkFallBackFiresOnceAtTheFirstInstance() throws {
        #expect(
            try upcoming("30 1 * * *", in: "America/New_York", after: "2026-10-31T12:00-04:00", count: 2)
                == ["2026-11-01T01:30-04:00", "2026-11-02T01:30-05:00"])
        #expect(
            try upcoming("0 1-3 * * *", in: "America/New_York", after: "2026-11-01T00:00-04:00", count: 3)
                == ["2026-11-01T01:00-04:00", "2026-11-01T02:00-05:00", "2026-11-01T03:00-05:00"])
        #expect(
            try upcoming("*/15 * * * *", in: "America/New_York", after: "2026-11-01T01:50-04:00", count: 2)
                == ["2026-11-01T02:00-05:00", "2026-11-01T02:15-05:00"])
        #expect(
            try latest("30 1 * * *", in: "America/New_York", atOrBefore: "2026-11-01T01:45-05:00")
                == "2026-11-01T01:30-04:00")
    }

    // Lord Howe moves its clocks by 30 minutes: 02:00 -> 02:30 on 2026-10-04, 02:00 -> 01:30 on 2026-04-05.
    @Test func halfHourShiftsFollowTheSameRule() throws {
        #expect(
            try upcoming("15 2 * * *", in: "Australia/Lord_Howe", after: "2026-10-03T12:00+10:30", count: 2)
                == ["2026-10-04T02:30+11:00", "2026-10-05T02:15+11:00"])
        #expect(
            try upcoming("45 1 * * *", in: "Australia/Lord_Howe", after: "2026-04-04T12:00+11:00", count: 2)
                == ["2026-04-05T01:45+11:00", "2026-04-06T01:45+10:30"])
    }
}

// MARK: - Days, February 29, edges

@Suite struct CronDayRuleTests {
    @Test func restrictedDayFieldsMatchEither() throws {
        // Friday the 13th and every Friday: January 2026 has Fridays 2, 9, 16, 23, 30; the 13th is a Tuesday.
        #expect(
            try upcoming("0 0 13 * FRI", in: "UTC", after: "2026-01-01T00:00+00:00", count: 6) == [
                "2026-01-02T00:00+00:00", "2026-01-09T00:00+00:00", "2026-01-13T00:00+00:00",
                "2026-01-16T00:00+00:00", "2026-01-23T00:00+00:00", "2026-01-30T00:00+00:00",
            ])
        // February has no 30th, but its Mondays still match.
        #expect(
            try upcoming("0 0 30 2 MON", in: "UTC", after: "2026-01-01T00:00+00:00", count: 5) == [
                "2026-02-02T00:00+00:00", "2026-02-09T00:00+00:00", "2026-02-16T00:00+00:00", "2026-02-23T00:00+00:00",
                "2027-02-01T00:00+00:00",
            ])
    }

    @Test func aDayFieldStartingWithStarMakesBothRequired() throws {
        // Vixie cron: "*/2" starts with "*", so odd days AND Mondays.
        #expect(
            try upcoming("0 0 */2 * MON", in: "UTC", after: "2026-01-01T00:00+00:00", count: 4)
                == [
                    "2026-01-05T00:00+00:00", "2026-01-19T00:00+00:00", "2026-02-09T00:00+00:00",
                    "2026-02-23T00:00+00:00",
                ])
        #expect(
            try upcoming("0 0 * * MON", in: "UTC", after: "2026-01-01T00:00+00:00", count: 2)
                == ["2026-01-05T00:00+00:00", "2026-01-12T00:00+00:00"])
        #expect(
            try upcoming("0 0 1 * *", in: "UTC", after: "2026-01-01T00:00+00:00", count: 2)
                == ["2026-02-01T00:00+00:00", "2026-03-01T00:00+00:00"])
        #expect(
            try upcoming("0 0 * * 7", in: "UTC", after: "2026-01-01T00:00+00:00", count: 1) == [
                "2026-01-04T00:00+00:00"
            ])
    }

    @Test func february29FiresInLeapYears() throws {
        #expect(
            try upcoming("0 0 29 2 *", in: "UTC", after: "2026-01-01T00:00+00:00", count: 2)
                == ["2028-02-29T00:00+00:00", "2032-02-29T00:00+00:00"])
        #expect(
            try upcoming("30 2 29 2 *", in: "Europe/Paris", after: "2026-01-01T00:00+01:00", count: 1) == [
                "2028-02-29T02:30+01:00"
            ])
        #expect(try latest("0 0 29 2 *", in: "UTC", atOrBefore: "2026-06-01T00:00+00:00") == "2024-02-29T00:00+00:00")
        #expect(try latest("0 0 29 2 *", in: "UTC", atOrBefore: "2028-02-29T00:00+00:00") == "2028-02-29T00:00+00:00")
        // February 29 on a Saturday or Sunday: 28 years apart, and 2100 is not a leap year.
        #expect(
            try upcoming("0 0 29 2 */6", in: "UTC", after: "2080-01-01T00:00+00:00", count: 3)
                == ["2088-02-29T00:00+00:00", "2116-02-29T00:00+00:00", "2128-02-29T00:00+00:00"])
        #expect(try latest("0 0 29 2 */6", in: "UTC", atOrBefore: "2115-01-01T00:00+00:00") == "2088-02-29T00:00+00:00")
    }

    @Test func boundsAreStrictForNextAndInclusiveForLatest() throws {
        let cron = try schedule("* * * * *")
        let utc = zone("UTC")
        #expect(local(cron.next(after: at("2026-01-01T00:00+00:00"), in: utc), utc) == "2026-01-01T00:01+00:00")
        #expect(local(cron.next(after: at("2026-01-01T00:00:00.500+00:00"), in: utc), utc) == "2026-01-01T00:01+00:00")
        #expect(local(cron.latest(atOrBefore: at("2026-01-01T00:00+00:00"), in: utc), utc) == "2026-01-01T00:00+00:00")
        #expect(
            local(cron.latest(atOrBefore: at("2026-01-01T00:00:59.900+00:00"), in: utc), utc)
                == "2026-01-01T00:00+00:00")
        #expect(
            local(cron.latest(atOrBefore: at("1969-12-31T23:59:30+00:00"), in: utc), utc) == "1969-12-31T23:59+00:00")
        #expect(cron.next(after: Date(timeIntervalSince1970: .infinity), in: utc) == nil)
        #expect(cron.latest(atOrBefore: Date(timeIntervalSince1970: -.infinity), in: utc) == nil)
    }
}

// MARK: - next and latest walk one sequence

@Suite struct CronSequenceTests {
    static let expressions = [
        "*/15 * * * *", "30 2 * * *", "0 1-3 * * *", "5,35 * * * *", "0 2,3 * * *", "45 2 * * 0", "@weekly",
        "0 0 13 * FRI",
    ]
    static let zones = [
        "Europe/Paris", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Chatham",
        "Asia/Kolkata", "UTC",
    ]

    /// Walks 2026 forward with next(after:), then backward with latest(atOrBefore: p - 1s):
    /// strictly increasing, and the same instants both ways.
    @Test(arguments: zones)
    func nextAndLatestWalkTheSameSequence(_ zoneName: String) throws {
        let tz = zone(zoneName)
        let start = at("2026-01-01T00:00+00:00")
        let end = at("2027-01-01T00:00+00:00")
        for expression in Self.expressions {
            let cron = try schedule(expression)
            var forward: [Date] = []
            var current = start
            while let next = cron.next(after: current, in: tz), next < end {
                forward.append(next)
                current = next
            }
            let repeated = zip(forward, forward.dropFirst()).first { $0 >= $1 }
            #expect(
                repeated == nil,
                "\(expression) in \(zoneName): \(repeated.map { "\(local($0.1, tz)) after \(local($0.0, tz))" } ?? "")")
            var backward: [Date] = []
            current = end
            while let previous = cron.latest(atOrBefore: current.addingTimeInterval(-1), in: tz), previous > start {
                backward.append(previous)
                current = previous
            }
            #expect(forward == backward.reversed(), "\(expression) in \(zoneName)")
        }
    }

    /// From arbitrary instants (fractions included, DST days favoured): latest <= x < next, with
    /// nothing scheduled between them, and each found again from the other side.
    @Test(arguments: zones)
    func latestAndNextBracketAnyInstant(_ zoneName: String) throws {
        let tz = zone(zoneName)
        var random = SplitMix64(seed: 2026)
        let year = at("2026-01-01T00:00+00:00").timeIntervalSince1970
        let transitions = sequence(first: at("2026-01-01T00:00+00:00")) {
            tz.nextDaylightSavingTimeTransition(after: $0)
        }
        .prefix(while: { $0 < at("2027-01-01T00:00+00:00") }).dropFirst().map(\.timeIntervalSince1970)
        for expression in Self.expressions {
            let cron = try schedule(expression)
            for index in 0..<400 {
                let anchor =
                    transitions.isEmpty || index % 2 == 0
                    ? year + 365 * 86_400 * random.unit() : transitions[index % transitions.count]
                let x = Date(
                    timeIntervalSince1970: (anchor + 4 * 86_400 * (random.unit() - 0.5)).rounded(.down)
                        + (index % 3 == 0 ? 0.25 : 0))
                // Built only when an expectation fails: formatting dates is slow.
                var context: String { "\(expression) in \(zoneName) at \(local(x, tz))" }
                let latest = try #require(cron.latest(atOrBefore: x, in: tz), "\(context)")
                let next = try #require(cron.next(after: x, in: tz), "\(context)")
                #expect(latest <= x && x < next, "\(context)")
                #expect(cron.next(after: latest.addingTimeInterval(-1), in: tz) == latest, "\(context)")
                #expect(cron.next(after: latest, in: tz) == next, "\(context)")
                #expect(cron.latest(atOrBefore: next.addingTimeInterval(-1), in: tz) == latest, "\(context)")
                #expect(cron.latest(atOrBefore: next, in: tz) == next, "\(context)")
            }
        }
    }

    /// 10,000 jobs per scan: each call must cost microseconds. Generous so that CI under load passes.
    @Test func tenThousandCallsAreCheap() throws {
        let cron = try schedule("0 2 * * *")
        let paris = zone("Europe/Paris")
        let clock = ContinuousClock()
        let base = at("2026-01-01T00:00+00:00")
        let elapsed = clock.measure {
            for index in 0..<10_000 {
                _ = cron.next(after: base.addingTimeInterval(Double(index) * 3_163), in: paris)
                _ = cron.latest(atOrBefore: base.addingTimeInterval(Double(index) * 3_163), in: paris)
            }
        }
        #expect(elapsed < .seconds(2), "20,000 calls took \(elapsed)")
    }
}

/// A small deterministic generator, so that failures reproduce.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

// MARK: - croniter table

/// The table written by scripts/gen-cron-table.py (croniter 7.0.0, implement_cron_bug=True).
private struct CroniterTable: Decodable {
    struct Header: Decodable {
        let croniter: String
        let tzdata: String
    }

    struct Case: Decodable {
        let expression: String
        let zone: String
        /// Unix seconds.
        let start: Int
        /// croniter's get_next from `start`, then from each result.
        let next: [Int]
        /// croniter's get_prev from `start` (strictly before), then from each result.
        let prev: [Int]
    }

    let header: Header
    let cases: [Case]

    static func load() throws -> CroniterTable {
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let data = try Data(contentsOf: fixtures.appendingPathComponent("cron/table.json"))
        return try JSONDecoder().decode(CroniterTable.self, from: data)
    }
}

/// A difference from croniter that SPEC §2 requires, spelled out instant by instant: on `day` in
/// `zone`, `croniter` lists local times croniter fires at and we do not, `ours` the reverse.
private struct AllowedDifference {
    enum Why: String {
        /// croniter fires a repeated local time twice, in both passes of the repeated hour.
        /// SPEC §2: "a local time that happens twice fires once, at its first instance".
        case repeatedTimeFiresOnce
        /// croniter drops local times skipped by a forward jump when the hour field is `*`
        /// (its `"*" in expanded[HOUR_FIELD]` branch; with a fixed hour it moves them to the
        /// transition as we do). SPEC §2: "a local time skipped by a daylight-saving jump fires
        /// at the first instant after the gap".
        case skippedTimeFiresAtTransition
    }

    let expression: String
    let zone: String
    let day: String
    let why: Why
    let croniter: [String]
    let ours: [String]

    init(_ expression: String, _ zone: String, _ day: String, _ why: Why, croniter: [String], ours: [String]) {
        (self.expression, self.zone, self.day, self.why, self.croniter, self.ours) = (
            expression, zone, day, why, croniter, ours
        )
    }

    func instants(_ times: [String]) -> [Int] { times.map { Int(at("\(day)T\($0)").timeIntervalSince1970) } }

    static let all: [AllowedDifference] = [
        .init(
            "* * * * *", "America/New_York", "2026-11-01", .repeatedTimeFiresOnce,
            croniter: [
                "01:00-05:00", "01:01-05:00", "01:02-05:00", "01:03-05:00", "01:04-05:00", "01:05-05:00",
                "01:14-05:00", "01:15-05:00", "01:16-05:00", "01:17-05:00", "01:18-05:00", "01:19-05:00",
                "01:21-05:00", "01:22-05:00", "01:23-05:00", "01:24-05:00", "01:25-05:00", "01:26-05:00",
                "01:27-05:00", "01:28-05:00", "01:29-05:00", "01:30-05:00",
            ], ours: []),
        .init(
            "* * * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: [
                "02:00+10:00", "02:01+10:00", "02:02+10:00", "02:03+10:00", "02:04+10:00", "02:05+10:00",
                "02:14+10:00", "02:15+10:00", "02:16+10:00", "02:17+10:00", "02:18+10:00", "02:19+10:00",
                "02:21+10:00", "02:22+10:00", "02:23+10:00", "02:24+10:00", "02:25+10:00", "02:26+10:00",
                "02:27+10:00", "02:28+10:00", "02:29+10:00", "02:30+10:00",
            ], ours: []),
        .init(
            "* * * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce,
            croniter: [
                "02:00+01:00", "02:01+01:00", "02:02+01:00", "02:03+01:00", "02:04+01:00", "02:05+01:00",
                "02:14+01:00", "02:15+01:00", "02:16+01:00", "02:17+01:00", "02:18+01:00", "02:19+01:00",
                "02:21+01:00", "02:22+01:00", "02:23+01:00", "02:24+01:00", "02:25+01:00", "02:26+01:00",
                "02:27+01:00", "02:28+01:00", "02:29+01:00", "02:30+01:00",
            ], ours: []),
        .init(
            "* * * * *", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: [
                "02:45+12:45", "02:46+12:45", "02:47+12:45", "02:48+12:45", "02:49+12:45", "02:50+12:45",
                "02:59+12:45", "03:00+12:45", "03:01+12:45", "03:02+12:45", "03:03+12:45", "03:04+12:45",
                "03:06+12:45", "03:07+12:45", "03:08+12:45", "03:09+12:45", "03:10+12:45", "03:11+12:45",
                "03:12+12:45", "03:13+12:45", "03:14+12:45", "03:15+12:45",
            ], ours: []),
        .init(
            "*/15 * * * *", "America/New_York", "2026-11-01", .repeatedTimeFiresOnce,
            croniter: ["01:00-05:00", "01:15-05:00", "01:30-05:00", "01:45-05:00"], ours: []),
        .init(
            "*/15 * * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: ["02:00+10:00", "02:15+10:00", "02:30+10:00", "02:45+10:00"], ours: []),
        .init(
            "*/15 * * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce,
            croniter: ["02:00+01:00", "02:15+01:00", "02:30+01:00", "02:45+01:00"], ours: []),
        .init(
            "*/15 * * * *", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: ["02:45+12:45", "03:00+12:45", "03:15+12:45", "03:30+12:45"], ours: []),
        .init(
            "*/20 * * * *", "America/New_York", "2026-11-01", .repeatedTimeFiresOnce,
            croniter: ["01:00-05:00", "01:20-05:00", "01:40-05:00"], ours: []),
        .init(
            "*/20 * * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: ["02:00+10:00", "02:20+10:00", "02:40+10:00"], ours: []),
        .init(
            "*/20 * * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce,
            croniter: ["02:00+01:00", "02:20+01:00", "02:40+01:00"], ours: []),
        .init(
            "*/20 * * * *", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: ["03:00+12:45", "03:20+12:45", "03:40+12:45"], ours: []),
        .init(
            "*/20 * * * *", "Pacific/Chatham", "2026-09-27", .skippedTimeFiresAtTransition, croniter: [],
            ours: ["03:45+13:45"]),
        .init(
            "*/5 1-3 * * *", "America/New_York", "2026-11-01", .repeatedTimeFiresOnce,
            croniter: [
                "01:00-05:00", "01:05-05:00", "01:10-05:00", "01:15-05:00", "01:20-05:00", "01:25-05:00",
                "01:30-05:00", "01:35-05:00", "01:40-05:00", "01:45-05:00", "01:50-05:00", "01:55-05:00",
            ], ours: []),
        .init(
            "*/5 1-3 * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: [
                "02:00+10:00", "02:05+10:00", "02:10+10:00", "02:15+10:00", "02:20+10:00", "02:25+10:00",
                "02:30+10:00", "02:35+10:00", "02:40+10:00", "02:45+10:00", "02:50+10:00", "02:55+10:00",
            ], ours: []),
        .init(
            "*/5 1-3 * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce,
            croniter: [
                "02:00+01:00", "02:05+01:00", "02:10+01:00", "02:15+01:00", "02:20+01:00", "02:25+01:00",
                "02:30+01:00", "02:35+01:00", "02:40+01:00", "02:45+01:00", "02:50+01:00", "02:55+01:00",
            ], ours: []),
        .init(
            "*/5 1-3 * * *", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: [
                "02:45+12:45", "02:50+12:45", "02:55+12:45", "03:00+12:45", "03:05+12:45", "03:10+12:45",
                "03:15+12:45", "03:20+12:45", "03:25+12:45", "03:30+12:45", "03:35+12:45", "03:40+12:45",
            ], ours: []),
        .init(
            "0  2 *\t* *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["02:00+10:00"], ours: []
        ),
        .init("0  2 *\t* *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce, croniter: ["02:00+01:00"], ours: []),
        .init(
            "0 * * * *", "America/New_York", "2026-11-01", .repeatedTimeFiresOnce, croniter: ["01:00-05:00"], ours: []),
        .init(
            "0 * * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["02:00+10:00"], ours: []),
        .init("0 * * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce, croniter: ["02:00+01:00"], ours: []),
        .init(
            "0 * * * *", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["03:00+12:45"], ours: []),
        .init(
            "0 * * * *", "Pacific/Chatham", "2026-09-27", .skippedTimeFiresAtTransition, croniter: [],
            ours: ["03:45+13:45"]),
        .init(
            "0 1-3 * * *", "America/New_York", "2026-11-01", .repeatedTimeFiresOnce, croniter: ["01:00-05:00"], ours: []
        ),
        .init(
            "0 1-3 * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["02:00+10:00"], ours: []
        ),
        .init("0 1-3 * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce, croniter: ["02:00+01:00"], ours: []),
        .init(
            "0 1-3 * * *", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["03:00+12:45"], ours: []),
        .init(
            "0 2 * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["02:00+10:00"], ours: []),
        .init("0 2 * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce, croniter: ["02:00+01:00"], ours: []),
        .init(
            "0 3 * * *", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["03:00+12:45"], ours: []),
        .init(
            "0,30 2 * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: ["02:00+10:00", "02:30+10:00"], ours: []),
        .init(
            "0,30 2 * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce,
            croniter: ["02:00+01:00", "02:30+01:00"], ours: []),
        .init(
            "0-10/5 * * * *", "America/New_York", "2026-11-01", .repeatedTimeFiresOnce,
            croniter: ["01:00-05:00", "01:05-05:00", "01:10-05:00"], ours: []),
        .init(
            "0-10/5 * * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: ["02:00+10:00", "02:05+10:00", "02:10+10:00"], ours: []),
        .init(
            "0-10/5 * * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce,
            croniter: ["02:00+01:00", "02:05+01:00", "02:10+01:00"], ours: []),
        .init(
            "0-10/5 * * * *", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: ["03:00+12:45", "03:05+12:45", "03:10+12:45"], ours: []),
        .init(
            "0-10/5 * * * *", "Pacific/Chatham", "2026-09-27", .skippedTimeFiresAtTransition, croniter: [],
            ours: ["03:45+13:45"]),
        .init(
            "1 2 * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["02:01+10:00"], ours: []),
        .init("1 2 * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce, croniter: ["02:01+01:00"], ours: []),
        .init(
            "10 2 * * 0", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["02:10+10:00"], ours: []),
        .init("10 2 * * 0", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce, croniter: ["02:10+01:00"], ours: []),
        .init(
            "15 2,3 * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["02:15+10:00"],
            ours: []),
        .init(
            "15 2,3 * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce, croniter: ["02:15+01:00"], ours: []),
        .init(
            "15 2,3 * * *", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["03:15+12:45"], ours: []
        ),
        .init(
            "30 */2 * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["02:30+10:00"],
            ours: []),
        .init(
            "30 */2 * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce, croniter: ["02:30+01:00"], ours: []),
        .init(
            "30 2 * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["02:30+10:00"], ours: []),
        .init("30 2 * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce, croniter: ["02:30+01:00"], ours: []),
        .init(
            "45 2 * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["02:45+10:00"], ours: []),
        .init("45 2 * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce, croniter: ["02:45+01:00"], ours: []),
        .init(
            "45 2 * * *", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["02:45+12:45"], ours: []),
        .init(
            "5,35 * * * *", "America/New_York", "2026-03-08", .skippedTimeFiresAtTransition, croniter: [],
            ours: ["03:00-04:00"]),
        .init(
            "5,35 * * * *", "America/New_York", "2026-11-01", .repeatedTimeFiresOnce,
            croniter: ["01:05-05:00", "01:35-05:00"], ours: []),
        .init(
            "5,35 * * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: ["02:05+10:00", "02:35+10:00"], ours: []),
        .init(
            "5,35 * * * *", "Australia/Sydney", "2026-10-04", .skippedTimeFiresAtTransition, croniter: [],
            ours: ["03:00+11:00"]),
        .init(
            "5,35 * * * *", "Europe/Paris", "2026-03-29", .skippedTimeFiresAtTransition, croniter: [],
            ours: ["03:00+02:00"]),
        .init(
            "5,35 * * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce,
            croniter: ["02:05+01:00", "02:35+01:00"], ours: []),
        .init(
            "5,35 * * * *", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: ["03:05+12:45", "03:35+12:45"], ours: []),
        .init(
            "5,35 * * * *", "Pacific/Chatham", "2026-09-27", .skippedTimeFiresAtTransition, croniter: [],
            ours: ["03:45+13:45"]),
        .init(
            "59 1 * * *", "America/New_York", "2026-11-01", .repeatedTimeFiresOnce, croniter: ["01:59-05:00"], ours: []),
        .init(
            "7/20 * * * *", "America/New_York", "2026-03-08", .skippedTimeFiresAtTransition, croniter: [],
            ours: ["03:00-04:00"]),
        .init(
            "7/20 * * * *", "America/New_York", "2026-11-01", .repeatedTimeFiresOnce,
            croniter: ["01:07-05:00", "01:27-05:00", "01:47-05:00"], ours: []),
        .init(
            "7/20 * * * *", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: ["02:07+10:00", "02:27+10:00", "02:47+10:00"], ours: []),
        .init(
            "7/20 * * * *", "Australia/Sydney", "2026-10-04", .skippedTimeFiresAtTransition, croniter: [],
            ours: ["03:00+11:00"]),
        .init(
            "7/20 * * * *", "Europe/Paris", "2026-03-29", .skippedTimeFiresAtTransition, croniter: [],
            ours: ["03:00+02:00"]),
        .init(
            "7/20 * * * *", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce,
            croniter: ["02:07+01:00", "02:27+01:00", "02:47+01:00"], ours: []),
        .init(
            "7/20 * * * *", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce,
            croniter: ["02:47+12:45", "03:07+12:45", "03:27+12:45"], ours: []),
        .init(
            "7/20 * * * *", "Pacific/Chatham", "2026-09-27", .skippedTimeFiresAtTransition, croniter: [],
            ours: ["03:45+13:45"]),
        .init("@hourly", "America/New_York", "2026-11-01", .repeatedTimeFiresOnce, croniter: ["01:00-05:00"], ours: []),
        .init("@hourly", "Australia/Sydney", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["02:00+10:00"], ours: []),
        .init("@hourly", "Europe/Paris", "2026-10-25", .repeatedTimeFiresOnce, croniter: ["02:00+01:00"], ours: []),
        .init("@hourly", "Pacific/Chatham", "2026-04-05", .repeatedTimeFiresOnce, croniter: ["03:00+12:45"], ours: []),
        .init(
            "@hourly", "Pacific/Chatham", "2026-09-27", .skippedTimeFiresAtTransition, croniter: [],
            ours: ["03:45+13:45"]),
    ]
}

@Suite struct CronCroniterTableTests {
    private struct Key: Hashable {
        let expression: String
        let zone: String
        let instant: Int
        let croniterOnly: Bool
    }

    @Test func tableIsTheOneThisTestWasWrittenFor() throws {
        let table = try CroniterTable.load()
        #expect(table.header.croniter == "7.0.0")
        #expect(Set(table.cases.map(\.expression)).count >= 40)
        #expect(table.cases.count * 16 == table.cases.map { $0.next.count + $0.prev.count }.reduce(0, +))
    }

    /// Replays every case: our instants in croniter's window must be croniter's, except the
    /// listed differences, each of which must show up and must be what its reason says.
    @Test func matchesCroniterExceptListedDaylightSavingDifferences() throws {
        let table = try CroniterTable.load()
        var allowed: [Key: AllowedDifference.Why] = [:]
        for difference in AllowedDifference.all {
            for instant in difference.instants(difference.croniter) {
                allowed[
                    Key(expression: difference.expression, zone: difference.zone, instant: instant, croniterOnly: true)] =
                    difference.why
            }
            for instant in difference.instants(difference.ours) {
                allowed[
                    Key(expression: difference.expression, zone: difference.zone, instant: instant, croniterOnly: false)
                ] = difference.why
            }
        }
        var used: Set<Key> = []
        var comparisons = 0
        var unexplained: [String] = []
        for entry in table.cases {
            let cron = try CronSchedule(parsing: entry.expression)
            let tz = zone(entry.zone)
            let (forward, backward) = ours(cron, tz, entry)
            comparisons += entry.next.count + entry.prev.count
            for (theirs, mine, direction) in [(entry.next, forward, "next"), (entry.prev, backward, "prev")] {
                let croniterOnly = Set(theirs).subtracting(mine).map {
                    Key(expression: entry.expression, zone: entry.zone, instant: $0, croniterOnly: true)
                }
                let oursOnly = Set(mine).subtracting(theirs).map {
                    Key(expression: entry.expression, zone: entry.zone, instant: $0, croniterOnly: false)
                }
                let surprises = (croniterOnly + oursOnly).filter { allowed[$0] == nil }
                used.formUnion((croniterOnly + oursOnly).filter { allowed[$0] != nil })
                if !surprises.isEmpty {
                    let only = { (croniter: Bool) in
                        surprises.filter { $0.croniterOnly == croniter }.map {
                            local(Date(timeIntervalSince1970: Double($0.instant)), tz)
                        }.sorted()
                    }
                    unexplained.append(
                        "\(entry.expression) | \(entry.zone) | \(direction) from \(local(Date(timeIntervalSince1970: Double(entry.start)), tz))"
                            + " | only croniter fires at \(only(true)) | only we fire at \(only(false))"
                            + " | croniter \(theirs.map { local(Date(timeIntervalSince1970: Double($0)), tz) })"
                            + " | ours \(mine.map { local(Date(timeIntervalSince1970: Double($0)), tz) })"
                    )
                }
            }
        }
        #expect(comparisons >= 40_000)
        #expect(
            unexplained.isEmpty,
            """
            \(unexplained.count) sequences differ from croniter (table built with tzdata \(table.header.tzdata), \
            Foundation has \(TimeZone.timeZoneDataVersion)):
            \(unexplained.prefix(30).joined(separator: "\n"))
            """
        )
        let stale = Set(allowed.keys).subtracting(used)
        #expect(
            stale.isEmpty,
            "listed differences that no longer happen: \(stale.map { "\($0.expression) \($0.zone) \(local(Date(timeIntervalSince1970: Double($0.instant)), zone($0.zone)))" })"
        )
    }

    /// Each listed difference is what its reason says, so none can hide an ordinary bug.
    @Test func listedDifferencesAreTheDaylightSavingRule() throws {
        for difference in AllowedDifference.all {
            let clock = WallClock(timeZone: zone(difference.zone))
            let context = "\(difference.expression) \(difference.zone) \(difference.day)"
            switch difference.why {
            case .repeatedTimeFiresOnce:
                #expect(difference.ours.isEmpty, "\(context)")
                // croniter's instant is a second instance: the same reading happened earlier.
                for instant in difference.instants(difference.croniter) {
                    #expect(clock.instant(forReading: clock.reading(at: instant)) < instant, "\(context)")
                }
            case .skippedTimeFiresAtTransition:
                #expect(difference.croniter.isEmpty, "\(context)")
                // Our instant is a forward jump, standing for the skipped times that match.
                for instant in difference.instants(difference.ours) {
                    #expect(clock.offset(at: instant - 1) < clock.offset(at: instant), "\(context)")
                }
            }
        }
    }

    /// Our own sequences over croniter's window: next(after:) chained from the start up to
    /// croniter's last next; latest(atOrBefore: t - 1s) chained down to croniter's last prev.
    private func ours(_ cron: CronSchedule, _ tz: TimeZone, _ entry: CroniterTable.Case) -> (
        forward: [Int], backward: [Int]
    ) {
        var forward: [Int] = []
        var current = entry.start
        while let last = entry.next.last,
            let next = cron.next(after: Date(timeIntervalSince1970: Double(current)), in: tz).map({
                Int($0.timeIntervalSince1970)
            }), next <= last
        {
            forward.append(next)
            current = next
        }
        var backward: [Int] = []
        current = entry.start
        while let last = entry.prev.last,
            let previous = cron.latest(atOrBefore: Date(timeIntervalSince1970: Double(current - 1)), in: tz).map({
                Int($0.timeIntervalSince1970)
            }), previous >= last
        {
            backward.append(previous)
            current = previous
        }
        return (forward, backward)
    }
}
