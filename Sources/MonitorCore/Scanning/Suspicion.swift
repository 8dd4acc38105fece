import Foundation

/// The figures of one run that SUSPICIOUS judges (SPEC §15): its files' total size and count
/// (from the promotion), and its duration when the status file gave `started_at`.
public struct RunFigures: Sendable, Hashable {
    public var bytes: Int64?
    public var files: Int?
    /// `finished_at − started_at`, in seconds.
    public var duration: TimeInterval?

    public init(bytes: Int64? = nil, files: Int? = nil, duration: TimeInterval? = nil) {
        self.bytes = bytes
        self.files = files
        self.duration = duration
    }

    public var isEmpty: Bool { bytes == nil && files == nil && duration == nil }

    /// `nil` when no figure is known.
    public var nilIfEmpty: RunFigures? { isEmpty ? nil : self }
}

/// Whether a SUCCESS run looks like a silent failure (SPEC §15): outside the job's `expect`
/// bounds, files totalling 0 bytes, or an outlier against the job's own recent SUCCESS runs.
/// Pure: the figures and the history in, the reasons out.
public enum Suspicion {
    /// Earlier SUCCESS runs needed before a run is judged against them.
    public static let minimumHistory = 10
    /// The SUCCESS runs (newest first) the baseline is made of.
    public static let historyLength = 20
    /// Modified z-score beyond which a run is an outlier (Iglewicz and Hoaglin).
    public static let threshold = 3.5
    /// The smallest relative change from the median that counts, whatever the spread.
    public static let minimumChange = 0.2

    /// Why a SUCCESS run with `figures` is SUSPICIOUS, one sentence per reason; empty when it is not.
    ///
    /// - Parameter history: figures of the job's earlier SUCCESS runs, newest first (SUSPICIOUS
    ///   runs never join it). Only the first ``historyLength`` are used.
    public static func reasons(for figures: RunFigures, job: Job, history: [RunFigures]) -> [String] {
        var reasons: [String] = []
        if let expect = job.expect { reasons += bounds(figures, expect) }
        if let bytes = figures.bytes, bytes == 0, !reasons.contains(where: { $0.hasPrefix(Figure.bytes.name) }) {
            reasons.append("the files total 0 bytes")
        }
        if job.detectsAnomalies {
            let recent = Array(history.prefix(historyLength))
            for figure in Figure.allCases {
                guard let value = figure.value(figures), !reasons.contains(where: { $0.hasPrefix(figure.name) }) else { continue }
                let baseline = recent.compactMap(figure.value)
                guard baseline.count >= minimumHistory, let outlier = outlier(value, against: baseline) else { continue }
                let change = Int((abs(outlier.change) * 100).rounded())
                reasons.append(
                    "\(figure.name) \(figure.format(value)) is \(change) % \(outlier.change < 0 ? "below" : "above") the median "
                        + "\(figure.format(outlier.median)) of the last \(baseline.count) runs")
            }
        }
        return reasons
    }

    /// How far `value` stands from `baseline`, when it is an outlier: modified z-score on the
    /// logarithms beyond ``threshold`` and a change of at least ``minimumChange`` — or, when the
    /// baseline does not vary at all (MAD 0), the change alone.
    ///
    /// - Returns: the median and the relative change `value / median − 1`, or `nil`.
    public static func outlier(_ value: Double, against baseline: [Double]) -> (median: Double, change: Double)? {
        let logs = baseline.filter { $0 > 0 }.map { Foundation.log($0) }
        guard !logs.isEmpty else { return nil }
        let center = median(logs)
        let medianValue = Foundation.exp(center)
        // A value of 0 has no logarithm: it is as far below any positive baseline as can be.
        guard value > 0 else { return (medianValue, -1) }
        let change = value / medianValue - 1
        guard abs(change) >= minimumChange else { return nil }
        let mad = median(logs.map { abs($0 - center) })
        if mad == 0 { return (medianValue, change) }
        let score = 0.6745 * (Foundation.log(value) - center) / mad
        return abs(score) > threshold ? (medianValue, change) : nil
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private static func bounds(_ figures: RunFigures, _ expect: RunBounds) -> [String] {
        var reasons: [String] = []
        /// A bound as a number, and as the operator wrote it (`10MiB`, `1h30m`).
        func check(_ figure: Figure, _ low: (Double, String)?, _ high: (Double, String)?, _ lowKey: String, _ highKey: String) {
            guard let value = figure.value(figures) else { return }
            if let low, value < low.0 {
                reasons.append("\(figure.name) \(figure.format(value)) is below \(lowKey) \(low.1)")
            } else if let high, value > high.0 {
                reasons.append("\(figure.name) \(figure.format(value)) is above \(highKey) \(high.1)")
            }
        }
        func size(_ bound: ByteSize?) -> (Double, String)? { bound.map { (Double($0.bytes), $0.description) } }
        func count(_ bound: Int?) -> (Double, String)? { bound.map { (Double($0), "\($0)") } }
        func span(_ bound: TimeSpan?) -> (Double, String)? { bound.map { (Double($0.seconds), $0.description) } }
        check(.bytes, size(expect.minBytes), size(expect.maxBytes), "min_bytes", "max_bytes")
        check(.files, count(expect.minFiles), count(expect.maxFiles), "min_files", "max_files")
        check(.duration, span(expect.minDuration), span(expect.maxDuration), "min_duration", "max_duration")
        return reasons
    }

    /// The three figures, named as the messages name them.
    enum Figure: CaseIterable {
        case bytes, files, duration

        var name: String {
            switch self {
            case .bytes: "total size"
            case .files: "file count"
            case .duration: "duration"
            }
        }

        func value(_ figures: RunFigures) -> Double? {
            switch self {
            case .bytes: figures.bytes.map(Double.init)
            case .files: figures.files.map(Double.init)
            case .duration: figures.duration
            }
        }

        func format(_ value: Double) -> String {
            switch self {
            case .bytes: ReportFormat.bytes(Int64(value.rounded()))
            case .files: value == value.rounded() ? "\(Int64(value))" : ReportFormat.decimal(value)
            case .duration: Suspicion.duration(value)
            }
        }
    }

    /// `3 s`, `40 min 12 s`, `2 h 5 min`: a run's length in messages.
    static func duration(_ seconds: Double) -> String {
        let total = Int64(seconds.rounded())
        switch total {
        case ..<60: return "\(total) s"
        case ..<3_600: return "\(total / 60) min" + (total % 60 > 0 ? " \(total % 60) s" : "")
        default: return "\(total / 3_600) h" + (total % 3_600 / 60 > 0 ? " \(total % 3_600 / 60) min" : "")
        }
    }
}
