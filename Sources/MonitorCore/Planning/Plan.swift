/// What `apply` would change: a list of changes, each with an action (SPEC §7).
public struct Plan: Sendable, Hashable, Codable {
    public var changes: [Change]

    public init(changes: [Change]) {
        self.changes = changes
    }

    public var isEmpty: Bool { changes.isEmpty }

    public var summary: Summary {
        Summary(
            add: changes.count { $0.action == .add },
            change: changes.count { $0.action == .change },
            remove: changes.count { $0.action == .remove })
    }

    public struct Summary: Sendable, Hashable, Codable {
        public var add: Int
        public var change: Int
        public var remove: Int

        public init(add: Int, change: Int, remove: Int) {
            self.add = add
            self.change = change
            self.remove = remove
        }
    }

    public enum Action: String, Sendable, Hashable, Codable {
        case add, change, remove

        var order: Int {
            switch self {
            case .add: 0
            case .change: 1
            case .remove: 2
            }
        }
    }

    /// Kinds in the order they are applied and shown: what others depend on comes first.
    public enum Kind: String, Sendable, Hashable, Codable, Comparable {
        case settings, destination, route, job

        var order: Int {
            switch self {
            case .settings: 0
            case .destination: 1
            case .route: 2
            case .job: 3
            }
        }

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.order < rhs.order }
    }

    public struct Change: Sendable, Hashable, Codable {
        public var action: Action
        public var kind: Kind
        public var name: String
        /// For a `change`, field path → before and after; empty for `add` and `remove`.
        public var fields: [String: FieldChange]
        /// Set on an `add` of a job that was retired earlier: its history is kept.
        public var revives: Bool

        public init(action: Action, kind: Kind, name: String, fields: [String: FieldChange], revives: Bool = false) {
            self.action = action
            self.kind = kind
            self.name = name
            self.fields = fields
            self.revives = revives
        }

        enum CodingKeys: String, CodingKey { case action, kind, name, fields, revives }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(action, forKey: .action)
            try container.encode(kind, forKey: .kind)
            try container.encode(name, forKey: .name)
            try container.encode(fields, forKey: .fields)
            if revives { try container.encode(revives, forKey: .revives) }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            action = try container.decode(Action.self, forKey: .action)
            kind = try container.decode(Kind.self, forKey: .kind)
            name = try container.decode(String.self, forKey: .name)
            fields = try container.decode([String: FieldChange].self, forKey: .fields)
            revives = try container.decodeIfPresent(Bool.self, forKey: .revives) ?? false
        }
    }

    public struct FieldChange: Sendable, Hashable, Codable {
        public var before: JSONValue
        public var after: JSONValue

        public init(before: JSONValue, after: JSONValue) {
            self.before = before
            self.after = after
        }
    }
}
