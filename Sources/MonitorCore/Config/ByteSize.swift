/// An amount of bytes written with a unit: `500MB`, `1.5 GiB`, `0B` (SPEC §15 `expect`).
///
/// Decimal units (`KB`, `MB`, `GB`, `TB`) are powers of 1000, binary ones (`KiB` … `TiB`) powers
/// of 1024, as storage vendors and `ls -h` use them. Units are case-sensitive (`mb` would be
/// millibits); a wrong case is refused with the right spelling.
public struct ByteSize: Sendable, Hashable, Comparable, TextCodable {
    public let bytes: Int64

    public init(bytes: Int64) {
        precondition(bytes >= 0, "a ByteSize is not negative")
        self.bytes = bytes
    }

    /// Units, the longest names first so that `KiB` is tried before `B`.
    static let units: [(name: String, factor: Int64)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000), ("B", 1),
    ]

    public init(parsing text: String) throws(ByteSizeParseError) {
        func refuse(_ reason: String) -> ByteSizeParseError { .init("invalid size \"\(text)\": \(reason)") }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let number = trimmed.prefix { $0.isNumber || $0 == "." }
        let unitText = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        guard !number.isEmpty, let value = Double(number), value.isFinite else {
            throw refuse(trimmed.hasPrefix("-") ? "a size cannot be negative" : "write a number and a unit, such as 500MB or 2GiB")
        }
        guard !unitText.isEmpty else { throw refuse("add a unit: B, KB, MB, GB, TB, KiB, MiB, GiB or TiB (e.g. \(number)MB)") }
        guard let unit = Self.units.first(where: { $0.name == unitText }) else {
            if let near = Self.units.first(where: { $0.name.lowercased() == unitText.lowercased() }) {
                throw refuse("write the unit \"\(near.name)\" (units are case-sensitive)")
            }
            throw refuse("unknown unit \"\(unitText)\"; use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB")
        }
        let total = value * Double(unit.factor)
        guard total < 9.0e18 else { throw refuse("is too large") }
        guard total.rounded() == total || unit.factor > 1 else { throw refuse("a number of bytes is whole") }
        self.init(bytes: Int64(total.rounded()))
    }

    /// Canonical form: the largest unit that divides the amount exactly (`1048576` → `1MiB`).
    public var description: String {
        guard bytes > 0 else { return "0B" }
        let exact = Self.units.filter { bytes % $0.factor == 0 }.max { $0.factor < $1.factor }
        let unit = exact ?? ("B", 1)
        return "\(bytes / unit.factor)\(unit.name)"
    }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }
}

public struct ByteSizeParseError: Error, Sendable, Equatable, CustomStringConvertible, TextParseError {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
