import Foundation
import Yams

enum DestinationDecoding {
    static let keys = ["path", "keep_versions", "promote", "host"]
    static let hints: [String: String] = ["schedule": "to a job", "window": "to a job", "destination": "to a job"]
}

extension ConfigDecoder {
    /// - Parameter hostRequired: the state is PostgreSQL and there is no `settings.default_host`,
    ///   so a destination without `host` belongs to no machine (SPEC §12).
    func decodeDestination(_ declaration: Declaration, hostRequired: Bool = false) -> Located<Destination>? {
        let what = "destination \"\(declaration.name)\""
        let document = declaration.document
        guard
            let entries = reader.mapping(
                declaration.value, in: document, what: what,
                allowed: DestinationDecoding.keys, elsewhere: DestinationDecoding.hints),
            reader.require(["path"], in: entries, what: what, at: declaration.location)
        else { return nil }
        var destination = Destination(name: declaration.name, path: "")
        var valid = true
        if let node = entries["path"],
            let path = reader.string(node, in: document, what: "path of \(what)", expected: "a folder path such as /srv/backups")
        {
            destination.path = resolve(path, declaredIn: document)
            reader.refer(to: .directory(path: destination.path, purpose: "path of \(what)", location: document.location(of: node)))
        } else {
            valid = false
        }
        if let node = entries["keep_versions"] {
            if let keep = reader.integer(node, in: document, what: "keep_versions of \(what)") {
                if keep >= 1 {
                    destination.keepVersions = keep
                } else {
                    reader.error("keep_versions of \(what) must be at least 1 (the current version), found \(keep)", at: document.location(of: node))
                    valid = false
                }
            } else {
                valid = false
            }
        }
        if let node = entries["promote"] {
            if let mode = reader.choice(node, in: document, what: "promote of \(what)", as: PromotionMode.self) {
                destination.promote = mode
            } else {
                valid = false
            }
        }
        if let node = entries["host"] {
            if let host = hostName(node, in: document, what: "host of \(what)") { destination.host = host } else { valid = false }
        } else if hostRequired, !entries.suggested.contains("host"), !entries.hasMergeKey {
            reader.error(
                "\(what) has no host: with a PostgreSQL state each destination is scanned by the agent of the machine that holds it; "
                    + "set destinations.\(declaration.name).host or settings.default_host",
                at: declaration.location)
            valid = false
        }
        return valid ? Located(destination, at: declaration.location) : nil
    }
}
