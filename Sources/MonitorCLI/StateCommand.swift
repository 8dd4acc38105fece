import ArgumentParser
import Foundation
import MonitorCore
import MonitorStore

/// `monitor state copy`: a whole state moved between an SQLite file and a PostgreSQL database
/// (SPEC §12), to share one host's history with several agents, or to take it back.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Work on a whole state: copy it between SQLite and PostgreSQL.",
        subcommands: [StateCopyCommand.self]
    )
}

struct StateCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole state into a new SQLite file or an empty PostgreSQL database.",
        discussion: """
            Copies the revisions, the ledger, the versions, the outbox, silences, pings and agents, ids kept, \
            from a file or a postgres:// URL to another, either way. The target must hold no state yet: a file that does not exist \
            (it is created), or a database that is empty or has only the schema. The copy is one transaction on the target: \
            when it fails nothing is left behind (a file it created is removed). Stop the daemons that write the source first; \
            a copy taken while they run is a consistent snapshot of one moment, and what they write after it is not in the copy. \
            Exit codes: 0 copied, 1 error (nothing copied).
            """
    )

    @Option(name: .customLong("from"), help: ArgumentHelp("The state to copy: a file, or a postgres:// URL.", valueName: "state"))
    var source: String

    @Option(name: .customLong("to"), help: ArgumentHelp("Where to copy it: a new file, or an empty PostgreSQL database's URL.", valueName: "state"))
    var target: String

    @Option(
        name: .customLong("from-password-env"),
        help: ArgumentHelp("The environment variable with the password of a PostgreSQL --from.", valueName: "variable"))
    var sourcePasswordVariable: String = StateStore.defaultPasswordVariable

    @Option(
        name: .customLong("to-password-env"),
        help: ArgumentHelp("The environment variable with the password of a PostgreSQL --to.", valueName: "variable"))
    var targetPasswordVariable: String = StateStore.defaultPasswordVariable

    func validate() throws {
        for (flag, value) in [("--from", source), ("--to", target)] where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("\(flag) is empty; give a state file's path or a postgres:// URL")
        }
        for (flag, value) in [("--from-password-env", sourcePasswordVariable), ("--to-password-env", targetPasswordVariable)]
        where value.isEmpty || value.contains("=") {
            throw ValidationError("\(flag) \"\(value)\" is not the name of an environment variable")
        }
    }

    func run() throws {
        let from = Self.absolute(source)
        let to = Self.absolute(target)
        if Self.sameFile(from, to) || from == to {
            throw Output.fail("--from and --to name the same state (\(to)); copy it to another file or database")
        }
        let sourceStore: StateStore
        do {
            sourceStore = try StateStore.openForReading(path: from, passwordVariable: sourcePasswordVariable)
        } catch {
            throw Output.fail(error)
        }
        // A file the copy creates is removed again when it fails: nothing half-made stays behind.
        let createdFile = !PostgresLocation.isPostgres(to) && !FileManager.default.fileExists(atPath: to)
        let copied: (tables: [StateStore.CopiedTable], target: String)
        do {
            copied = try Self.copy(from: sourceStore, to: to, passwordVariable: targetPasswordVariable)
        } catch {
            if createdFile { Self.remove(to) }
            throw Output.fail(error)
        }
        print("Copied the state \(sourceStore.path) to \(copied.target):")
        let width = copied.tables.map(\.table.count).max() ?? 0
        for table in copied.tables {
            print("  \(table.table.padding(toLength: width, withPad: " ", startingAt: 0))  \(table.rows)")
        }
    }

    /// Opens (creating) the target and copies into it; the target's connections are closed when
    /// this returns, so a file it made can be removed.
    private static func copy(from source: StateStore, to path: String, passwordVariable: String) throws(StoreError) -> (
        tables: [StateStore.CopiedTable], target: String
    ) {
        let target = try StateStore.open(path: path, create: true, passwordVariable: passwordVariable)
        return (try StateStore.copy(from: source, to: target), target.path)
    }

    private static func absolute(_ path: String) -> String {
        if PostgresLocation.isPostgres(path) { return path }
        let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (absolute as NSString).standardizingPath
    }

    /// Two paths of one existing file (a link, `..`), which no string comparison catches.
    private static func sameFile(_ first: String, _ second: String) -> Bool {
        guard !PostgresLocation.isPostgres(first), !PostgresLocation.isPostgres(second) else { return false }
        var a = stat()
        var b = stat()
        guard stat(first, &a) == 0, stat(second, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    /// Removes a state file this copy created, with SQLite's files beside it.
    private static func remove(_ path: String) {
        for file in [path, path + "-wal", path + "-shm", path + "-journal"] {
            try? FileManager.default.removeItem(atPath: file)
        }
    }
}
