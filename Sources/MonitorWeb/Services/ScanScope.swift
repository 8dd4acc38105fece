/// Which jobs a scan covers: every active job (the scheduled scan, `POST /api/scan`), or some
/// by name (the job of a ping just received, judged without waiting for the next full scan).
public enum ScanScope: Sendable, Hashable {
    case all
    case jobs(Set<String>)

    /// A scan that covers both.
    func merged(with other: ScanScope) -> ScanScope {
        switch (self, other) {
        case (.jobs(let mine), .jobs(let theirs)): .jobs(mine.union(theirs))
        default: .all
        }
    }

    /// The names `Scanner.scan(now:jobs:)` takes: empty for every job.
    var names: [String] {
        switch self {
        case .all: []
        case .jobs(let names): names.sorted()
        }
    }
}
