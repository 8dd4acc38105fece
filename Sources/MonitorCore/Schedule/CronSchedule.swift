import Foundation

/// A 5-field cron schedule (minute hour day-of-month month day-of-week) or a macro such as
/// `@daily`, evaluated on the wall clock of a time zone.
///
/// Occurrences follow SPEC §2: a local time skipped by a daylight-saving jump fires once, at the
/// first instant after the gap (the transition); a local time that happens twice fires once, at
/// its first instance. Instants returned by ``next(after:in:)`` are strictly increasing, and
/// ``latest(atOrBefore:in:)`` walks the same sequence backwards.
///
/// Matching follows Vixie cron: when both day fields are restricted (neither starts with `*`),
/// a day matches if either matches; otherwise both must match (so a `*` field does not restrict).
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written (trimmed), e.g. "0 2 * * *" or "@daily".
    public let expression: String
    /// The fields as bitsets, read once so that `next`/`latest` cost microseconds.
    let pattern: CronPattern

    /// Parses `text`, refusing what cron would misread or what can never fire.
    ///
    /// - Throws: ``CronParseError`` whose `offset` points at the offending token in `text`.
    public init(parsing text: String) throws(CronParseError) {
        let parsed = try CronParser(text).parse()
        expression = parsed.expression
        pattern = parsed.pattern
    }

    /// The expression as written (trimmed).
    public var description: String { expression }
}
