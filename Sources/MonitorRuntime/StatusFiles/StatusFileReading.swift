import Foundation
import MonitorCore

/// What a scan found in `<job folder>/staging/STATUS.json` (SPEC §3).
public enum StatusFileReading: Sendable, Equatable {
    case absent
    /// Invalid (or over the size cap) but modified < 30 s before `now`: may still be being written; leave it for the next scan.
    case unsettled(modifiedAt: Date)
    /// A temporary fault of this host stopped the reading (``IOFault``: too many open files, an
    /// I/O error…). Nothing is judged: the file is read again at the next scan. `problem` says what failed.
    case retry(problem: String)
    /// `sha256` is of the file's bytes (streamed for a huge file, never loading more than the cap + 1 into memory).
    ///
    /// When the bytes cannot be read at all (permission denied, a folder or a symbolic link in
    /// place of the file), `sha256` is the hash of the path and the problem instead, so the same
    /// fault is still recorded once; `modifiedAt` is then `now` when not even the file's time
    /// could be read. `problem` is safe to print (no control characters).
    case invalid(sha256: String, modifiedAt: Date, problem: String)
    /// `bytes` are the file's exact content (the promoter keeps them in the version folder).
    case valid(StatusReport, sha256: String, bytes: Data, modifiedAt: Date)
}

extension StatusFileReading {
    /// The SHA-256 of the status file's bytes, when there is a file to identify.
    var sha256: String? {
        switch self {
        case .absent, .unsettled, .retry: nil
        case .invalid(let sha256, _, _): sha256
        case .valid(_, let sha256, _, _): sha256
        }
    }
}
