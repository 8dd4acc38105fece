import Foundation
import MonitorCore

/// The filters of `GET /api/jobs`: `?status=S` (repeated or comma-separated: any of them),
/// `label=K=V` (repeated: all of them), `q=TEXT` (a case-insensitive part of the job's name or
/// description). Filters combine with AND; no filter lists every job.
struct JobsFilter: Sendable, Hashable {
    /// The query parameters `/api/jobs` understands; any other is refused, so a misspelt filter
    /// does not silently answer every job.
    static let parameters = ["status", "label", "q"]

    var statuses: Set<JobStatus> = []
    var labels: [Label] = []
    /// Lowercased.
    var text: String = ""

    struct Label: Sendable, Hashable, Comparable {
        var key: String
        var value: String

        static func < (a: Label, b: Label) -> Bool { (a.key, a.value) < (b.key, b.value) }
    }

    var isEmpty: Bool { statuses.isEmpty && labels.isEmpty && text.isEmpty }

    /// One spelling per filter (sorted statuses and labels), so that equal filters share an ETag.
    var key: String {
        var parts: [String] = []
        if !statuses.isEmpty { parts.append("status=" + statuses.map(\.rawValue).sorted().joined(separator: ",")) }
        for label in labels.sorted() { parts.append("label=\(label.key)=\(label.value)") }
        if !text.isEmpty { parts.append("q=" + text) }
        return parts.joined(separator: "&")
    }

    init() {}

    /// Reads the raw query (`application/x-www-form-urlencoded`: `+` is a space, `%XX` a byte).
    init(query: String?) throws(APIError) {
        guard let query, !query.isEmpty else { return }
        var texts: [String] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let (name, value) = try Self.decode(pair)
            switch name {
            case "status":
                for word in value.split(separator: ",") {
                    let word = word.trimmingCharacters(in: .whitespaces)
                    guard !word.isEmpty else { continue }
                    guard let status = JobStatus(rawValue: word.uppercased()) else {
                        throw APIError(
                            .badRequest,
                            "unknown status \"\(word)\" in ?status=; use one of "
                                + JobStatus.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    statuses.insert(status)
                }
            case "label":
                guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                    throw APIError(.badRequest, "?label= takes KEY=VALUE (for example label=team=data), not \"\(value)\"")
                }
                let label = Label(key: String(value[..<equals]), value: String(value[value.index(after: equals)...]))
                if !labels.contains(label) { labels.append(label) }
            case "q":
                texts.append(value)
            default:
                // Other parameters are ignored, as before filters existed (a client's cache-buster
                // such as ?_=123 keeps working), but a misspelt filter is not silently dropped.
                if let meant = Suggestion.closest(to: name, in: ["status", "label", "q"]), meant.count > 1 {
                    throw APIError(
                        .badRequest,
                        "unknown query parameter \"\(name)\" for /api/jobs (did you mean ?\(meant)=?); it takes ?status=, ?label=KEY=VALUE and ?q=TEXT"
                    )
                }
            }
        }
        guard texts.count <= 1 else { throw APIError(.badRequest, "?q= may be given once") }
        text = (texts.first ?? "").lowercased()
    }

    private static func decode(_ pair: Substring) throws(APIError) -> (String, String) {
        let equals = pair.firstIndex(of: "=")
        let rawName = equals.map { pair[..<$0] } ?? pair
        let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? ""
        func unescape(_ text: Substring) throws(APIError) -> String {
            guard let text = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                throw APIError(.badRequest, "the query \"\(pair)\" is not valid percent-encoding")
            }
            return text
        }
        return (try unescape(rawName), try unescape(rawValue))
    }

    /// Whether a job passes; ``JobsDocument`` keeps its name and description lowercased.
    func matches(status: JobStatus, labels jobLabels: [String: String], lowercasedName: String, lowercasedDescription: String) -> Bool {
        if !statuses.isEmpty, !statuses.contains(status) { return false }
        for label in labels where jobLabels[label.key] != label.value { return false }
        if !text.isEmpty, !lowercasedName.contains(text), !lowercasedDescription.contains(text) { return false }
        return true
    }
}
