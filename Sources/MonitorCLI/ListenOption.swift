import ArgumentParser
import MonitorCore

extension ListenAddress {
    /// `--listen host:port` of `run` and `demo`: a bad value is a usage error (exit 64) with
    /// the parser's own explanation.
    static func argument(_ text: String) throws -> ListenAddress {
        do { return try ListenAddress(parsing: text) } catch { throw ValidationError(error.message) }
    }
}
