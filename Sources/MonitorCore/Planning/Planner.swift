/// Computes the plan from the applied state to the desired one. Pure: values in, plan out.
public enum Planner {
    /// - Parameters:
    ///   - applied: what the state holds now (`nil` for a state never applied).
    ///   - retiredJobs: names of jobs retired earlier, so that declaring one again says it revives.
    public static func plan(from applied: DesiredState?, to desired: DesiredState, retiredJobs: Set<String> = []) throws -> Plan {
        var changes: [Plan.Change] = []
        if let applied {
            if applied.settings != desired.settings {
                changes += try diff(kind: .settings, name: "settings", before: applied.settings, after: desired.settings)
            }
        } else {
            changes.append(Plan.Change(action: .add, kind: .settings, name: "settings", fields: [:]))
        }
        changes += try diff(.destination, applied?.destinations ?? [], desired.destinations, name: \.name)
        changes += try diff(.route, applied?.routes ?? [], desired.routes, name: \.name)
        changes += try diff(.job, applied?.jobs ?? [], desired.jobs, name: \.name).map { change in
            var change = change
            change.revives = change.action == .add && retiredJobs.contains(change.name)
            return change
        }
        // Kind first (what others depend on), then add / change / remove as in SPEC §7, then name.
        return Plan(changes: changes.sorted { ($0.kind, $0.action.order, $0.name) < ($1.kind, $1.action.order, $1.name) })
    }

    /// Adds and removes carry no field list: the whole object is in the desired state (and in a
    /// saved plan file); encoding every field of 10,000 new jobs made a first plan take seconds.
    private static func diff<T: Encodable & Equatable>(_ kind: Plan.Kind, _ before: [T], _ after: [T], name: KeyPath<T, String>) throws -> [Plan
        .Change]
    {
        let old = Dictionary(before.map { ($0[keyPath: name], $0) }) { a, _ in a }
        let new = Dictionary(after.map { ($0[keyPath: name], $0) }) { a, _ in a }
        var changes: [Plan.Change] = []
        for (key, value) in new {
            if let previous = old[key] {
                if previous != value { changes += try diff(kind: kind, name: key, before: previous, after: value) }
            } else {
                changes.append(Plan.Change(action: .add, kind: kind, name: key, fields: [:]))
            }
        }
        for key in old.keys where new[key] == nil {
            changes.append(Plan.Change(action: .remove, kind: kind, name: key, fields: [:]))
        }
        return changes
    }

    private static func diff<T: Encodable>(kind: Plan.Kind, name: String, before: T, after: T) throws -> [Plan.Change] {
        let old = try JSONValue(encoding: before).flattened()
        let new = try JSONValue(encoding: after).flattened()
        var fields: [String: Plan.FieldChange] = [:]
        for path in Set(old.keys).union(new.keys) where path != "name" {
            let a = old[path] ?? .null
            let b = new[path] ?? .null
            if a != b { fields[path] = Plan.FieldChange(before: a, after: b) }
        }
        return fields.isEmpty ? [] : [Plan.Change(action: .change, kind: kind, name: name, fields: fields)]
    }
}
