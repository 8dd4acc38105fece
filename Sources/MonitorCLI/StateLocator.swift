import ArgumentParser
import Foundation
import MonitorCore
import MonitorStore

/// Finds and opens the state for commands that only read it or scan: `--state`, else
/// `$MONITOR_STATE`, else `settings.state` of the configuration (SPEC §7).
enum StateLocator {
    static func open(_ state: StateOptions, _ config: ConfigOptions) throws -> StateStore {
        let path = try state.path { try ConfigLoading.load(config).settings.state }
        do {
            return try StateStore.open(path: path, create: false)
        } catch {
            throw Output.fail(error)
        }
    }

    /// For commands that only read: a state this process cannot write (a read-only mount) is
    /// opened read-only rather than refused.
    static func openForReading(_ state: StateOptions, _ config: ConfigOptions) throws -> StateStore {
        let path = try state.path { try ConfigLoading.load(config).settings.state }
        do {
            return try StateStore.openForReading(path: path)
        } catch {
            throw Output.fail(error)
        }
    }
}
