/// How bad a diagnostic is. Errors make a configuration invalid; warnings do not.
public enum Severity: String, Sendable, Codable, Hashable {
    case error
    case warning
}

/// One finding about a configuration: what is wrong, how bad it is and where.
public struct Diagnostic: Sendable, Hashable, Codable {
    public var severity: Severity
    public var message: String
    /// `nil` only for problems that belong to no line, such as a file that cannot be read.
    public var location: SourceLocation?
    /// The file the problem belongs to, even when there is no line to point at.
    public var file: String

    public init(_ severity: Severity, _ message: String, at location: SourceLocation) {
        self.severity = severity
        self.message = message
        self.location = location
        self.file = location.file
    }

    public init(_ severity: Severity, _ message: String, file: String) {
        self.severity = severity
        self.message = message
        self.location = nil
        self.file = file
    }

    public static func error(_ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(.error, message, at: location)
    }

    public static func warning(_ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(.warning, message, at: location)
    }
}

extension Diagnostic: Comparable {
    /// File order, then line and column; problems without a line come first in their file.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        if lhs.file != rhs.file { return lhs.file < rhs.file }
        let l = lhs.location.map { ($0.line, $0.column) } ?? (0, 0)
        let r = rhs.location.map { ($0.line, $0.column) } ?? (0, 0)
        if l != r { return l < r }
        return lhs.message < rhs.message
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
}
