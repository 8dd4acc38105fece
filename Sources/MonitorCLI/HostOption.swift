import ArgumentParser
import Foundation

/// `--host`, for `run` and `scan`: which machine this process is the agent of, with a shared
/// (PostgreSQL) state (SPEC §12). Ignored with an SQLite state, where one process sees all.
struct HostOption: ParsableArguments {
    static let environmentVariable = "MONITOR_HOST"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With a PostgreSQL state, scan only the destinations of this host.",
            discussion: "Default: $MONITOR_HOST, else this machine's host name.", valueName: "name"))
    var host: String?

    /// `--host`, else `$MONITOR_HOST`, else the host name (`hostname`).
    var name: String {
        if let host, !host.isEmpty { return host }
        if let value = ProcessInfo.processInfo.environment[Self.environmentVariable], !value.isEmpty { return value }
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
