import Foundation
import MonitorCore

/// What one scan pass did, for the log, `monitor scan` and `POST /api/scan`.
public struct ScanSummary: Sendable, Codable, Hashable {
    public var clock: String
    public var jobs: Int = 0
    /// Occurrences that reached a verdict (or a new one) in this scan, by verdict.
    public var verdicts: [Verdict: Int] = [:]
    public var newOccurrences: Int = 0
    public var statusFiles: Int = 0
    public var promoted: Int = 0
    /// Notifications written to the outbox by this scan.
    public var notifications: Int = 0
    public var errors: [JobError] = []

    public struct JobError: Sendable, Codable, Hashable {
        public var job: String
        public var message: String
    }

    /// The counts in the order `monitor scan` and the log print them: by the verdict's name.
    public var sortedVerdicts: [(verdict: Verdict, count: Int)] {
        verdicts.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) }
    }

    public init(clock: Date) {
        self.clock = Timestamp.string(clock)
    }

    enum CodingKeys: String, CodingKey {
        case clock, jobs, verdicts, errors, promoted, notifications
        case newOccurrences = "new_occurrences"
        case statusFiles = "status_files"
    }
}
