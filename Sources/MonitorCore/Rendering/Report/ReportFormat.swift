import Foundation

/// How the report and the history chart write times, ages and sizes: fixed formats in UTC,
/// independent of the locale, so that a report made with `--now` is the same bytes every time.
public enum ReportFormat {
    /// `2026-11-24 01:17 UTC`.
    public static func time(_ date: Date) -> String {
        let text = Timestamp.string(date)
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5) + " UTC"
    }

    /// `2026-11-24`.
    public static func day(_ date: Date) -> String { String(Timestamp.string(date).prefix(10)) }

    /// `42 min`, `5 h 20 min`, `3 days`: how long ago `date` was at `now` (never negative).
    public static func age(from date: Date, to now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<60: return "less than a minute"
        case ..<3_600: return "\(seconds / 60) min"
        case ..<172_800:
            let minutes = seconds % 3_600 / 60
            return "\(seconds / 3_600) h" + (minutes > 0 ? " \(minutes) min" : "")
        default:
            let days = seconds / 86_400
            return "\(days) day\(days == 1 ? "" : "s")"
        }
    }

    /// `812 B`, `50.0 MiB`: binary units, one decimal.
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : decimal(value) + " " + units[unit]
    }

    /// One decimal, with a dot whatever the locale: SVG coordinates and sizes.
    static func decimal(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e15 else { return "0.0" }
        let whole = Int64(tenths)
        let sign = whole < 0 ? "-" : ""
        return "\(sign)\(abs(whole) / 10).\(abs(whole) % 10)"
    }

    /// `3 SUCCESS, 1 FAILED`: counts in verdict order, zeros left out; `none` when all are zero.
    public static func counts(_ counts: [Verdict: Int]) -> String {
        let parts = Verdict.allCases.compactMap { verdict in counts[verdict].flatMap { $0 > 0 ? "\($0) \(verdict.rawValue)" : nil } }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    /// `text` cut after `limit` characters with `…`, for tooltips.
    public static func shortened(_ text: String, limit: Int = 200) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}
