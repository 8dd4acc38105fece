import Foundation

extension StatusReportDecoder {
    /// The `finished_at` of status-file bytes that may be invalid for other reasons, when it
    /// can still be read: the file is a JSON object and `finished_at` an RFC 3339 time. An
    /// invalid file is attributed by it (SPEC §4), so a broken backup counts against the night
    /// it belongs to, not against the moment it was noticed.
    public static func readableFinishedAt(_ data: Data) -> Date? {
        guard let root = try? StrictJSONParser.parse([UInt8](data)), case .object(let fields) = root,
            case .string(let text)? = fields["finished_at"]
        else { return nil }
        return RFC3339Time.parse(text)
    }
}
