import MonitorCore

/// What one scrub (a daemon's pass within its budget, or `monitor verify`) did and found.
public struct ScrubSummary: Sendable {
    /// Versions whose every file was checked in this run (rounds completed).
    public var versionsChecked = 0
    public var filesChecked = 0
    public var bytesRead: Int64 = 0
    /// Versions found changed on disk in this run, marked before or not, in the order found.
    public var corrupted: [(job: String, version: CorruptedVersion)] = []
    /// Versions the ledger still held whose folders retention had removed; now marked deleted.
    public var deletedByRetention = 0
    /// Versions verified in place in staging (`promote: none`), passed over: not the monitor's to keep.
    public var inPlace = 0
    /// Versions left for a later run: the budget ran out, or a stop was raised.
    public var remaining = 0
    /// Why the run ended before checking everything it had to, if it did.
    public var ended: Ending = .finished
    /// Versions that could not be checked for a reason of this host (a temporary fault, an
    /// unmounted destination, the state): each with what happened. Checked again later.
    public var postponed: [(job: String, versionID: String, problem: String)] = []

    public enum Ending: String, Sendable {
        case finished
        case budget
        case stopped
    }

    public init() {}
}
