import Foundation
import MonitorCore
import MonitorStore

/// The silences `silence list` and `plan` show: the state's and the applied configuration's.
enum SilenceListing {
    struct Entry: Encodable {
        var silence: Silence
        /// `state` (added with `silence add`) or `config` (declared under `silences:`).
        var source: String
        var state: String
        var createdAt: Date?
        var createdBy: String?
        var expiredAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, source, state, match, from, until, reason
            case createdAt = "created_at"
            case createdBy = "created_by"
            case expiredAt = "expired_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(silence.id, forKey: .id)
            try container.encode(source, forKey: .source)
            try container.encode(state, forKey: .state)
            try container.encode(silence.match, forKey: .match)
            try container.encode(silence.from.map(Timestamp.string), forKey: .from)
            try container.encode(Timestamp.string(silence.until), forKey: .until)
            try container.encode(silence.reason, forKey: .reason)
            try container.encode(createdAt.map(Timestamp.string), forKey: .createdAt)
            try container.encode(createdBy, forKey: .createdBy)
            try container.encode(expiredAt.map(Timestamp.string), forKey: .expiredAt)
        }
    }

    static func state(of silence: Silence, expiredAt: Date?, now: Date) -> String {
        if silence.holds(at: now) { return "active" }
        if silence.isUpcoming(at: now) { return "upcoming" }
        return expiredAt == nil ? "ended" : "expired"
    }

    /// The state's silences, then the configuration's (each once, however many jobs it selects).
    static func entries(store: StateStore, now: Date, includingEnded: Bool) throws(StoreError) -> [Entry] {
        let stored = try store.silences(at: now, includingEnded: includingEnded).map {
            Entry(
                silence: $0.silence, source: "state", state: state(of: $0.silence, expiredAt: $0.expiredAt, now: now),
                createdAt: $0.createdAt, createdBy: $0.createdBy, expiredAt: $0.expiredAt)
        }
        return stored + configured(try store.activeJobs().map(\.job), now: now, includingEnded: includingEnded)
    }

    /// The `silences:` of a configuration, from the jobs they were copied into.
    static func configured(_ jobs: [Job], now: Date, includingEnded: Bool) -> [Entry] {
        var seen: [Silence] = []
        for job in jobs {
            for silence in job.silences ?? [] where !seen.contains(silence) && (includingEnded || silence.until > now) {
                seen.append(silence)
            }
        }
        return seen.sorted { ($0.from ?? .distantPast, $0.until) < ($1.from ?? .distantPast, $1.until) }.map {
            Entry(silence: $0, source: "config", state: state(of: $0, expiredAt: nil, now: now))
        }
    }

    static func text(_ entries: [Entry]) -> String {
        guard !entries.isEmpty else { return "No silence.\n" }
        let rows =
            [["ID", "STATE", "MATCH", "FROM", "UNTIL", "REASON"]]
            + entries.map { entry in
                [
                    entry.silence.id.map(String.init) ?? "config", entry.state, entry.silence.match.description,
                    entry.silence.from.map(Timestamp.string) ?? "-", Timestamp.string(entry.silence.until), entry.silence.reason,
                ]
            }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max()! }
        return rows.map { row in
            (0..<5).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "  " + row[5]
        }.joined(separator: "\n") + "\n"
    }

    static func json(_ entries: [Entry], now: Date) throws -> String {
        struct Document: Encodable {
            var generatedAt: String
            var silences: [Entry]
            enum CodingKeys: String, CodingKey {
                case silences
                case generatedAt = "generated_at"
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Document(generatedAt: Timestamp.string(now), silences: entries)), as: UTF8.self)
    }

    /// What `plan` adds after the changes: the silences that hold now, so a reviewer sees which
    /// jobs are not alerting. Empty when none holds.
    static func planText(_ entries: [Entry]) -> String {
        let active = entries.filter { $0.state == "active" }
        guard !active.isEmpty else { return "" }
        var text = "\nSilences active now (events of these jobs are recorded, not sent):\n"
        for entry in active {
            let id = entry.silence.id.map { "silence \($0)" } ?? "silence from the configuration"
            text += "  \(id): \(entry.silence.match) until \(Timestamp.string(entry.silence.until)) — \(entry.silence.reason)\n"
        }
        return text
    }
}
