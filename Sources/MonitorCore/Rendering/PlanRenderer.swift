/// The text form of a plan (SPEC §7), stable for review in a pull request.
public enum PlanRenderer {
    public static func text(_ plan: Plan) -> String {
        guard !plan.isEmpty else {
            return "No changes. The applied state matches the configuration.\n"
        }
        let summary = plan.summary
        var out = "Plan: \(summary.add) to add, \(summary.change) to change, \(summary.remove) to remove.\n\n"
        for change in plan.changes {
            // Settings are one object: "~ settings", not "~ settings settings".
            let subject = change.kind == .settings ? "settings" : "\(change.kind.rawValue) \(change.name)"
            switch change.action {
            case .add:
                out += "  + \(subject)\n"
            case .remove:
                out += "  - \(subject)\n"
            case .change:
                out += "  ~ \(subject)\n"
                for path in change.fields.keys.sorted() {
                    let field = change.fields[path]!
                    out += "      \(path): \(show(field.before)) -> \(show(field.after))\n"
                }
            }
        }
        // Notes after the list, so that each change line keeps the documented form.
        let retired = plan.changes.filter { $0.action == .remove && $0.kind == .job }.map(\.name)
        let revived = plan.changes.filter(\.revives).map(\.name)
        if !retired.isEmpty || !revived.isEmpty { out += "\n" }
        if !retired.isEmpty {
            out += "Removed jobs are retired: no longer expected, their history stays (\(retired.joined(separator: ", "))).\n"
        }
        if !revived.isEmpty {
            out += "Declared again after being retired, with their history: \(revived.joined(separator: ", ")).\n"
        }
        return out
    }

    /// The jobs that routes reach through `match:` (SPEC §16), one line each, after the plan:
    /// what `routes:` alone does not show. Empty when no route has `match:`.
    public static func routesByLabel(_ desired: DesiredState) -> String {
        let lines = desired.jobs.sorted { $0.name < $1.name }.compactMap { job -> String? in
            let matched = AlertRoute.reaching(job, among: desired.routes).filter { !job.routes.contains($0.name) }
            guard !matched.isEmpty else { return nil }
            return "  \(job.name) → \(matched.map(\.name).joined(separator: ", "))"
        }
        guard !lines.isEmpty else { return "" }
        return "\nRoutes that reach jobs by their labels (match:), besides the jobs' own routes:\n" + lines.joined(separator: "\n") + "\n"
    }

    private static func show(_ value: JSONValue) -> String {
        value == .null ? "(none)" : value.description
    }
}
