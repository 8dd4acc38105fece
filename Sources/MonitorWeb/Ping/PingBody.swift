import Hummingbird

/// The request body of a ping as the run's message (SPEC §13): the first
/// ``StateStore/pingBodyLimit`` bytes are kept, the rest is read and dropped (a large body is
/// cut, never refused); invalid UTF-8 becomes U+FFFD, and control characters other than line
/// breaks and tabs are removed, so that a log piped from a terminal reads cleanly.
enum PingBody {
    /// The body read from `chunks`, holding at most `limit` bytes in memory whatever is sent.
    static func read(_ body: RequestBody, limit: Int) async throws -> [UInt8] {
        var kept: [UInt8] = []
        for try await chunk in body where kept.count < limit {
            kept += chunk.readableBytesView.prefix(limit - kept.count)
        }
        return kept
    }

    /// `bytes` (at most `limit` of them) as clean text of at most `limit` UTF-8 bytes.
    static func text(_ bytes: [UInt8], limit: Int) -> String {
        var bytes = bytes.count > limit ? Array(bytes.prefix(limit)) : bytes
        // A character cut by the limit is dropped, not shown as a replacement character.
        if let lead = bytes.indices.suffix(4).last(where: { bytes[$0] & 0b1100_0000 != 0b1000_0000 }) {
            let byte = bytes[lead]
            let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if bytes.count - lead < length { bytes.removeSubrange(lead...) }
        }
        var text = String.UnicodeScalarView()
        var size = 0
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if scalar.properties.generalCategory == .control, scalar != "\n", scalar != "\t" { continue }
            // Invalid bytes decode to U+FFFD, three bytes each: the text may not outgrow the limit.
            size += UTF8.width(scalar)
            if size > limit { break }
            text.append(scalar)
        }
        return String(text)
    }
}
