import Foundation
import Yams

/// The keys of `silences:` entries and of `match:` (SPEC §16).
enum SilenceDecoding {
    static let keys = ["match", "from", "until", "reason"]
    static let required = ["match", "until", "reason"]
    static let timeExample = "an RFC 3339 time such as 2026-12-01T08:00:00Z"
}

/// One top-level list entry (`silences:` or `maintenance:`) as written.
struct ListEntry {
    let node: Node
    let document: YAMLDocument
    var location: SourceLocation { document.location(of: node) }
}

extension ConfigDecoder {
    /// Every `silences:` entry, decoded and checked; `nil` in place of an invalid one is dropped.
    func decodeSilences(_ entries: [ListEntry], jobs: Declared) -> [Located<Silence>] {
        var silences: [Located<Silence>] = []
        for (index, entry) in entries.enumerated() {
            if let silence = decodeSilence(entry, what: "silence \(index + 1)", jobs: jobs) { silences.append(silence) }
        }
        // Two silences of the same jobs whose periods overlap: one of them is likely a leftover.
        for (index, later) in silences.enumerated() {
            guard
                let earlier = silences[..<index].first(where: {
                    $0.value.match == later.value.match && ($0.value.from ?? .distantPast) < later.value.until
                        && (later.value.from ?? .distantPast) < $0.value.until
                })
            else { continue }
            reader.warning(
                "this silence overlaps the silence at \(earlier.location), which silences the same jobs; merge them or remove one",
                at: later.location)
        }
        return silences
    }

    private func decodeSilence(_ entry: ListEntry, what: String, jobs: Declared) -> Located<Silence>? {
        let document = entry.document
        guard let entries = reader.mapping(entry.node, in: document, what: what, allowed: SilenceDecoding.keys) else { return nil }
        var valid = reader.require(SilenceDecoding.required, in: entries, what: what, at: entry.location)
        let match = entries["match"].flatMap { node -> SilenceMatch? in
            decodeMatch(node, in: document, what: "match of \(what)", jobs: jobs)
        }
        let from = entries["from"].flatMap { instant($0, in: document, what: "from of \(what)") }
        let until = entries["until"].flatMap { instant($0, in: document, what: "until of \(what)") }
        var reason: String?
        if let node = entries["reason"] {
            reason = reader.string(node, in: document, what: "reason of \(what)", expected: "why the jobs are silenced, for whoever reads the alerts")
            if let text = reason, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                reader.error("reason of \(what) is blank; say why the jobs are silenced", at: document.location(of: node))
                reason = nil
            }
        }
        if entries.has("from"), from == nil { valid = false }
        guard let match, let until, let reason, valid else { return nil }
        let untilLocation = document.location(of: entries["until"]!)
        if let from, until <= from {
            reader.error("until of \(what) (\(Timestamp.string(until))) is not after its from (\(Timestamp.string(from)))", at: untilLocation)
            return nil
        }
        let start = from ?? now
        if let start, until.timeIntervalSince(start) > TimeInterval(Silence.longest.seconds) {
            let span = TimeSpan(seconds: Int64(until.timeIntervalSince(start)))
            reader.error(
                "\(what) lasts \(span)\(from == nil ? " from now" : ""), longer than the \(Silence.longest) a silence may last; "
                    + "end it sooner, or change the job's configuration instead",
                at: untilLocation)
            return nil
        }
        return Located(Silence(match: match, from: from, until: until, reason: reason), at: entry.location)
    }

    /// `match:` of a silence or of a top-level maintenance window: `job: NAME` and/or labels,
    /// each label with a value or a list of values.
    func decodeMatch(_ node: Node, in document: YAMLDocument, what: String, jobs: Declared) -> SilenceMatch? {
        guard var labels = decodeLabelMap(node, in: document, what: what, lists: true) else { return nil }
        var match = SilenceMatch()
        if labels.removeValue(forKey: "job") != nil, case .mapping(let mapping) = node,
            let jobNode = mapping.first(where: { $0.key.string == "job" })?.value
        {
            guard case .scalar = jobNode else {
                reader.error(
                    "job in \(what) names one job; write one silence per job, or match a label they share", at: document.location(of: jobNode))
                return nil
            }
            guard let name = reference(jobNode, in: document, what: "job in \(what)", kind: "job", declared: jobs) else { return nil }
            match.job = name
        }
        match.labels = labels
        if match.isEmpty {
            reader.error("\(what) selects nothing; write job: NAME or labels such as team: data", at: document.location(of: node))
            return nil
        }
        return match
    }

    /// An RFC 3339 instant with an offset, as status files and `--now` write them.
    func instant(_ node: Node, in document: YAMLDocument, what: String) -> Date? {
        guard let text = reader.string(node, in: document, what: what, expected: SilenceDecoding.timeExample) else { return nil }
        guard let date = Timestamp.parse(text) else {
            reader.error("\(what): \"\(text)\" is not \(SilenceDecoding.timeExample) (with a Z or an offset)", at: document.location(of: node))
            return nil
        }
        return date
    }

    /// Copies each silence into the jobs it selects; one that selects no job is reported.
    func attach(_ silences: [Located<Silence>], to jobs: inout [Located<Job>]) {
        for silence in silences {
            var selected = 0
            for index in jobs.indices where silence.value.selects(jobs[index].value) {
                jobs[index].value.silences = (jobs[index].value.silences ?? []) + [silence.value]
                selected += 1
            }
            if selected == 0, silence.value.match.job == nil {
                reader.warning("this silence selects no job: no job has the labels \(silence.value.match)", at: silence.location)
            }
        }
    }
}
