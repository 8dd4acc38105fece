/// How a status reads at a glance — good, bad or waiting — for every page that colours it.
/// Derived from the verdict, so a new verdict is coloured without touching any page.
public enum StatusTone: String, Sendable, CaseIterable {
    case ok, bad, wait

    /// The sign shown before the word, so that colour is never the only cue.
    public var symbol: String {
        switch self {
        case .ok: "✓"
        case .bad: "✗"
        case .wait: "…"
        }
    }
}

extension JobStatus {
    public var tone: StatusTone {
        switch self {
        case .verdict(let verdict): verdict.isProblem ? .bad : verdict == .success ? .ok : .wait
        case .stale: .bad
        case .new, .unknown: .wait
        }
    }
}
