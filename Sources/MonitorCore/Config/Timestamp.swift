import Foundation

/// RFC 3339 times in UTC with whole seconds (`2026-11-24T01:17:45Z`): how the state, the JSON
/// and the plan write instants. Fixed width, so text order is time order in SQLite.
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    /// Parses RFC 3339 with `Z` or a numeric offset, with or without fractional seconds; one
    /// parser for status files, `--now` and the state alike.
    public static func parse(_ text: String) -> Date? {
        RFC3339Time.parse(text)
    }
}
