import Foundation

/// The one rule for every time that comes from a file — a status file's `finished_at`, a
/// file's modification time — against the scan's `now` (SPEC §3, §4).
///
/// A producer's clock may run a little ahead of the storage host's, so a time up to
/// ``tolerance`` after `now` is believed. Anything later is a wrong clock or a hostile file:
/// believing it would create an occurrence years ahead that later scans never revisit, and
/// would rank a version above every real one. Such a time never decides anything.
public enum ClockSanity {
    /// How far ahead of the scan's clock a time from a file may be: 5 minutes.
    public static let tolerance: TimeInterval = 300

    /// Whether `date` is further ahead of `now` than any clock skew explains.
    public static func isFuture(_ date: Date, now: Date) -> Bool {
        date.timeIntervalSince(now) > tolerance
    }

    /// The instant a time from a file stands for when attributing it to an occurrence: never
    /// after `now`, so that a file can only be attributed to an occurrence that has started.
    public static func attributable(_ date: Date, now: Date) -> Date {
        min(date, now)
    }

    /// The problem to report for a `finished_at` that ``isFuture(_:now:)``.
    public static func futureProblem(field: String, _ date: Date, now: Date) -> String {
        "finished in the future: \(field) is \(Timestamp.string(date)), more than 5 minutes after this scan's time "
            + "\(Timestamp.string(now)); check the producer's clock (monitor never lets a future time decide a verdict)"
    }
}
