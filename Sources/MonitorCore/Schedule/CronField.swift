/// One of the five fields of a cron expression, with what it accepts.
enum CronField: Int, CaseIterable, Sendable {
    case minute, hour, dayOfMonth, month, dayOfWeek

    /// The field's name as operators read it in messages.
    var name: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// Values a number may take. Day-of-week accepts 7 as a second spelling of Sunday.
    var bounds: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// The end that `*` and `a/n` run to. For day-of-week it is 6 (Saturday), not 7, so that
    /// `1/2` means MON,WED,FRI — as croniter reads it — rather than also adding Sunday as 7.
    var stepEnd: Int { self == .dayOfWeek ? 6 : bounds.upperBound }

    /// Three-letter names accepted in place of numbers (upper case), indexed from `bounds.lowerBound`.
    var names: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// How an unknown name is called in messages: `unknown month name "JNA"`.
    var nameKind: String { self == .dayOfWeek ? "day-of-week name" : "\(name) name" }

    /// The name of `value` for suggestions (`SAT`), or the number when the field has no names.
    func spelling(_ value: Int, asName: Bool) -> String {
        let names = self.names
        guard asName, !names.isEmpty else { return String(value) }
        return names[(value - bounds.lowerBound) % names.count]
    }
}

extension CronField {
    /// The next larger unit, for "steps do not carry over into the next hour".
    var carryUnit: String {
        switch self {
        case .minute: "hour"
        case .hour: "day"
        case .dayOfMonth: "month"
        case .month: "year"
        case .dayOfWeek: "week"
        }
    }
}
