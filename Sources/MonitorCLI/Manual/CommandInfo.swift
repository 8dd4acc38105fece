import ArgumentParser
import Foundation

/// The command tree as the argument parser describes it (`--experimental-dump-help`): the same
/// definitions that `--help` and the completion scripts are made from. Only what the manual
/// pages use is decoded; unknown keys are ignored.
struct CommandInfo: Decodable {
    var commandName: String
    var abstract: String?
    var discussion: String?
    var shouldDisplay: Bool?
    var arguments: [ArgumentInfo]?
    var subcommands: [CommandInfo]?

    struct ArgumentInfo: Decodable {
        enum Kind: String, Decodable { case positional, option, flag }

        struct Name: Decodable {
            var kind: String
            var name: String

            /// `-o`, `--output`, or `-name` for a long name with a single dash.
            var spelled: String { kind == "long" ? "--\(name)" : "-\(name)" }
        }

        var kind: Kind
        var names: [Name]?
        var valueName: String?
        var abstract: String?
        var discussion: String?
        var defaultValue: String?
        var allValues: [String]?
        var isOptional: Bool
        var isRepeating: Bool
        var shouldDisplay: Bool?

        var isShown: Bool { shouldDisplay ?? true }
    }

    private struct Root: Decodable { var command: CommandInfo }

    /// The tree of `command`, read from the argument parser's own description of it.
    static func tree(of command: any ParsableCommand.Type) throws -> CommandInfo {
        try JSONDecoder().decode(Root.self, from: Data(command._dumpHelp().utf8)).command
    }

    /// Every command under this one (this one first), each with its full name; hidden ones
    /// too (`generate-manual` deserves a page), but not the parser's own `help`.
    func walk(prefix: [String] = []) -> [(path: [String], command: CommandInfo)] {
        let path = prefix + [commandName]
        return [(path, self)] + (subcommands ?? []).filter { $0.commandName != "help" }.flatMap { $0.walk(prefix: path) }
    }
}
