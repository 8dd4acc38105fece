import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Names inside a job folder that promotion creates, and how to tell them apart.
///
/// A version folder is named only by ``make(finishedAt:statusSHA256:)``; every name promotion
/// uses while work is in progress starts with a dot, so a listing can never take a half-built
/// folder for a version, whatever moment a crash happened at.
enum VersionName {
    /// Prefix of the temporary folders under `versions/` (a copy in progress, or an old version
    /// being deleted): anything with it is a leftover once no promotion holds the job lock.
    static let temporaryPrefix = ".tmp-"
    /// Prefix of the temporary symbolic link created in the job folder before it replaces `current_version`.
    static let temporaryLinkPrefix = ".current_version.tmp-"
    static let currentLink = "current_version"
    static let versionsFolder = "versions"
    static let stagingFolder = "staging"
    static let statusFile = "STATUS.json"

    /// `20261124T011745Z-9f86d0c1`: UTC seconds of `finishedAt`, then the first 8 hex digits of the digest.
    static func make(finishedAt: Date, statusSHA256: String) -> String {
        var seconds = time_t(finishedAt.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let date = digits(parts.tm_year + 1900, 4) + digits(parts.tm_mon + 1, 2) + digits(parts.tm_mday, 2)
        let time = digits(parts.tm_hour, 2) + digits(parts.tm_min, 2) + digits(parts.tm_sec, 2)
        return "\(date)T\(time)Z-\(statusSHA256.prefix(8).lowercased())"
    }

    /// Whether `name` has exactly the shape of a version id (`\d{8}T\d{6}Z-[0-9a-f]{8}`).
    ///
    /// Ids of this shape sort chronologically as plain strings, which is what makes "newer" a
    /// string comparison everywhere in promotion.
    static func isVersionID(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 25 else { return false }
        for (index, byte) in bytes.enumerated() {
            let valid: Bool
            switch index {
            case 8: valid = byte == UInt8(ascii: "T")
            case 15: valid = byte == UInt8(ascii: "Z")
            case 16: valid = byte == UInt8(ascii: "-")
            case 0..<15: valid = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            default: valid = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            }
            if !valid { return false }
        }
        return true
    }

    /// A name no other process or earlier run can have chosen: the process id and 32 random bits.
    static func unique(_ prefix: String) -> String {
        "\(prefix)\(getpid())-\(String(UInt32.random(in: .min ... .max), radix: 16))"
    }
}
