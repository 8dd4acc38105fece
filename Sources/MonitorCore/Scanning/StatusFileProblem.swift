/// Why a status file is not valid, in words an operator can act on. Everything quoted from the
/// file is escaped (see ``SafeText``), so the message is safe to print, log and store.
public struct StatusFileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// At most this many problems are spelled out; the rest are counted.
    public static let maximumShown = 5

    public let message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }

    /// The first ``maximumShown`` of `problems` joined with `"; "`, then how many more there were.
    public init(problems: [String]) {
        let shown = problems.prefix(Self.maximumShown).joined(separator: "; ")
        let more = problems.count - Self.maximumShown
        message = more > 0 ? "\(shown); and \(more) more problem\(more == 1 ? "" : "s")" : shown
    }
}
