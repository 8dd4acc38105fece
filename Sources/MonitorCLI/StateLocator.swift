import ArgumentParser
import Foundation
import MonitorCore
import MonitorStore

/// Finds and opens the state for commands that only read it or scan: `--state`, else
/// `$MONITOR_STATE`, else `settings.state` of the configuration (SPEC §7).
enum StateLocator {
    /// The environment variable with the password of a PostgreSQL state.
    static func passwordVariable(_ settings: Settings?) -> String {
        settings?.statePasswordVariable ?? StateStore.defaultPasswordVariable
    }

    /// A PostgreSQL state's password variable comes from the configuration's settings; a file
    /// state needs none, so its commands never load the configuration just for that.
    private static func passwordVariable(for path: String, _ config: ConfigOptions) -> String {
        guard PostgresLocation.isPostgres(path) else { return StateStore.defaultPasswordVariable }
        return passwordVariable(try? ConfigLoading.load(config).settings)
    }

    static func open(_ state: StateOptions, _ config: ConfigOptions) throws -> StateStore {
        let path = try state.path { try ConfigLoading.load(config).settings.state }
        do {
            return try StateStore.open(path: path, create: false, passwordVariable: passwordVariable(for: path, config))
        } catch {
            throw Output.fail(error)
        }
    }

    /// For commands that only read: a state this process cannot write (a read-only mount) is
    /// opened read-only rather than refused.
    static func openForReading(_ state: StateOptions, _ config: ConfigOptions) throws -> StateStore {
        let path = try state.path { try ConfigLoading.load(config).settings.state }
        do {
            return try StateStore.openForReading(path: path, passwordVariable: passwordVariable(for: path, config))
        } catch {
            throw Output.fail(error)
        }
    }
}
