import Yams

extension ConfigDecoder {
    /// `source:` of a job: `status_file`, `ping`, `{restic: {...}}` or `{borg: {...}}` (SPEC §13).
    func decodeSource(_ node: Node, in document: YAMLDocument, what: String) -> Source? {
        let kinds = Source.Kind.allCases.map(\.rawValue)
        if case .scalar = node {
            guard let kind = reader.choice(node, in: document, what: what, as: Source.Kind.self) else { return nil }
            switch kind {
            case .statusFile: return .statusFile
            case .ping: return .ping
            case .restic, .borg:
                reader.error(
                    "\(what) \"\(kind.rawValue)\" needs its repository; write {\(kind.rawValue): {repository: …, \(kind == .restic ? "password_env" : "passphrase_env"): VARIABLE}}",
                    at: document.location(of: node))
                return nil
            }
        }
        guard let entries = reader.mapping(node, in: document, what: what, allowed: ["restic", "borg"]) else { return nil }
        let given = ["restic", "borg"].filter { entries.has($0) }
        guard given.count == 1, let kind = given.first, let body = entries[kind] else {
            if given.count > 1, let location = entries.keyLocation("borg") {
                reader.error("\(what) names both restic and borg; a job has one source", at: location)
            } else if given.isEmpty, case .mapping(let mapping) = node, mapping.isEmpty {
                reader.error(
                    "\(what) must be one of \(NodeReader.alternatives(kinds)), or a mapping {restic: …} or {borg: …}", at: document.location(of: node)
                )
            }
            return nil
        }
        let inner = "\(kind) of \(what)"
        if kind == "restic" {
            guard let fields = reader.mapping(body, in: document, what: inner, allowed: ResticSource.keys) else { return nil }
            var valid = reader.require(["repository", "password_env"], in: fields, what: inner, at: document.location(of: body))
            let repository = fields["repository"].flatMap { reader.string($0, in: document, what: "repository of \(inner)") }
                .map { localRepository($0, in: document) }
            let password = fields["password_env"].flatMap {
                reader.environmentVariable($0, in: document, what: "password_env of \(inner)", purpose: "the restic repository's password")
            }
            var source = ResticSource(repository: repository ?? "", passwordEnv: password ?? "")
            if let node = fields["host"] {
                source.host = reader.string(node, in: document, what: "host of \(inner)")
                valid = valid && source.host != nil
            }
            if let node = fields["tags"] {
                if let tags = words(node, in: document, what: "tags of \(inner)") {
                    source.tags = tags
                    // restic reads `--tag a,b` as two tags that must both be present.
                    if let tag = tags.first(where: { $0.contains(",") }) {
                        reader.error(
                            "tags of \(inner) cannot contain a comma, found \"\(tag)\"; list each tag on its own: [\(tag.split(separator: ",").joined(separator: ", "))]",
                            at: document.location(of: node))
                        valid = false
                    }
                } else {
                    valid = false
                }
            }
            guard valid, repository != nil, password != nil else { return nil }
            return .restic(source)
        }
        guard let fields = reader.mapping(body, in: document, what: inner, allowed: BorgSource.keys) else { return nil }
        var valid = reader.require(["repository", "passphrase_env"], in: fields, what: inner, at: document.location(of: body))
        let repository = fields["repository"].flatMap { reader.string($0, in: document, what: "repository of \(inner)") }
            .map { localRepository($0, in: document) }
        let passphrase = fields["passphrase_env"].flatMap {
            reader.environmentVariable($0, in: document, what: "passphrase_env of \(inner)", purpose: "the borg repository's passphrase")
        }
        var source = BorgSource(repository: repository ?? "", passphraseEnv: passphrase ?? "")
        if let node = fields["glob"] {
            source.glob = reader.string(node, in: document, what: "glob of \(inner)")
            valid = valid && source.glob != nil
        }
        guard valid, repository != nil, passphrase != nil else { return nil }
        return .borg(source)
    }

    /// A repository location as written, except a relative local path (no `backend:` or
    /// `host:` part), which is read from the declaring file's folder as destination paths are,
    /// not from wherever monitor happens to run.
    private func localRepository(_ location: String, in document: YAMLDocument) -> String {
        location.hasPrefix("/") || location.contains(":") ? location : resolve(location, declaredIn: document)
    }

    /// A list of plain values, each non-empty.
    private func words(_ node: Node, in document: YAMLDocument, what: String) -> [String]? {
        guard let items = reader.sequence(node, in: document, what: what, example: "[nightly, db]") else { return nil }
        let values = items.map { reader.string($0, in: document, what: what) }
        return values.contains(nil) ? nil : values.compactMap { $0 }
    }
}
