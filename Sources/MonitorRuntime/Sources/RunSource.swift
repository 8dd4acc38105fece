import Foundation
import MonitorCore
import MonitorStore

/// A source of runs other than the status file (SPEC §13): pings received by the daemon, the
/// snapshots of a restic repository, the archives of a borg repository.
///
/// The scanner asks it once per job and scan, outside any store transaction, and hands what it
/// returns to the one scan decision (``JobScan``) as ``StatusOutcome/runs(_:unreadable:)``: a
/// source never decides a verdict of an occurrence itself. Adding a source is a type conforming
/// to this protocol, registered for its kind in ``RunSources/standard()``, which every scan path
/// hands to ``Scanner/init(store:sources:logger:)``.
public protocol RunSource: Sendable {
    /// The runs `active`'s source holds that the state has not recorded yet (``StateStore/recordedRuns(job:among:)``
    /// tells which), oldest first, each with a ``StatusFileRecord`` keyed by ``RunKey/make(_:id:)``
    /// so that it is recorded once; or the reason the source cannot be read now. Must bound its
    /// own time (a hanging tool is a failure of this job, not of the scan). `settings` are the
    /// applied settings the scan read once (`nil` before any apply).
    func read(_ active: ActiveJob, settings: Settings?, store: StateStore, now: Date) -> StatusOutcome
}

/// The key under which a source's run is recorded in the ledger: the SHA-256 of the source's
/// kind and the run's own id (a restic snapshot id, a borg archive id, a ping's id), in the
/// column that keys status files by their SHA-256, so that a run is recorded exactly once.
public enum RunKey {
    public static func make(_ kind: Source.Kind, id: String) -> String {
        FileSHA256.hex(of: Data("\(kind.rawValue):\(id)".utf8))
    }
}
