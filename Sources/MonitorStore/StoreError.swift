/// Everything that can go wrong with the state database, in words that say what to do next.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(path: String)
    case cannotCreateFolder(path: String, reason: String)
    case notAStateFile(path: String, reason: String)
    case newerSchema(path: String, unknown: [String])
    case unreadable(path: String, reason: String)
    /// Another connection holds the write lock for longer than the busy timeout.
    case busy(path: String)
    /// The state holds a value no monitor writes (edited by hand, or damaged).
    case corrupt(reason: String)
    /// Another process holds the state in a way that forbids this command (``StateLock``).
    case locked(path: String, reason: String)
    case stalePlan(reason: String)
    case invalidPlanFile(path: String, reason: String)
    case database(String)

    public var description: String {
        switch self {
        case .missing(let path):
            "no state at \(path): run `monitor apply` first (or give --state PATH / set MONITOR_STATE)"
        case .cannotCreateFolder(let path, let reason):
            "cannot create the state folder \(path): \(reason) — monitor needs write access there (or give --state PATH)"
        case .notAStateFile(let path, let reason):
            "\(path) is not a monitor state file (\(reason)); nothing was changed — check --state / MONITOR_STATE / settings.state"
        case .newerSchema(let path, let unknown):
            "\(path) was written by a newer monitor (unknown schema migrations: \(unknown.joined(separator: ", "))); upgrade monitor — the state was left untouched"
        case .unreadable(let path, let reason):
            "cannot open the state \(path): \(reason)"
        case .busy(let path):
            "the state \(path) is locked by another monitor (an apply or a scan) for longer than \(Int(StateStore.busyTimeout)) s; try again in a moment"
        case .corrupt(let reason):
            "the state holds a value this monitor cannot read: \(reason)"
        case .locked(let path, let reason):
            "the state \(path) is in use: \(reason)"
        case .stalePlan(let reason):
            "the saved plan is stale: \(reason); nothing was applied — run `monitor plan --out FILE` again and review it"
        case .invalidPlanFile(let path, let reason):
            "cannot use the plan file \(path): \(reason); nothing was applied"
        case .database(let message):
            "state database error: \(message)"
        }
    }
}
