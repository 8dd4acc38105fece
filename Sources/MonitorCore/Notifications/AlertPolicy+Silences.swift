import Foundation

extension AlertPolicy {
    /// The silences that hold for the job at `now`: those of its spec (from YAML) and those of the state.
    public func silencesHolding(at now: Date) -> [Silence] {
        ((job.silences ?? []) + silences).holding(for: job, at: now)
    }

    /// `items` with ``OutboxItem/silenced`` set (SPEC §16): every one while a silence holds for
    /// the job at `now` (the moment the event is recorded), and a RESOLVED whose route's latest
    /// problem notification was silenced.
    func silencing(_ items: [OutboxItem], now: Date) -> [OutboxItem] {
        let holding = !silencesHolding(at: now).isEmpty
        return items.map { item in
            var item = item
            if holding || (item.alert.event == .resolved && silencedProblemRoutes.contains(item.route)) { item.silenced = true }
            return item
        }
    }
}
