/// Why a cron expression was refused, and where.
///
/// `offset` lets the caller put a caret under the problem: it is counted in `Character`s
/// from the start of the text given to ``CronSchedule/init(parsing:)``, before trimming.
public struct CronParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Operator-facing explanation, e.g. `minute "60" is out of range 0-59`.
    public let message: String
    /// 0-based offset, in `Character`s, of the first character of the offending token.
    public let offset: Int

    /// The message alone; the caller adds file, line and caret.
    public var description: String { message }
}
