import Foundation
import MonitorCore

/// A saved plan (`monitor plan --out FILE`): the plan JSON of SPEC §7 plus what `apply --plan`
/// needs to apply exactly it and to refuse it when it no longer fits the state.
public struct PlanFile: Sendable, Hashable, Codable {
    public static let formatName = "monitor-plan"
    public static let formatVersion = 1

    public var format: String
    public var formatVersion: Int
    public var changes: [Plan.Change]
    public var summary: Plan.Summary
    public var baseRevision: Int64
    public var configDigest: String
    /// The state the plan was made against; `nil` when there was none yet.
    public var stateID: String?
    public var createdAt: String
    public var configPath: String
    public var git: GitInfo?
    /// The normalized desired configuration that `apply --plan` applies.
    public var desired: DesiredState

    public init(plan: Plan, applied: AppliedState?, desired: DesiredState, configPath: String, git: GitInfo?, now: Date) throws {
        format = Self.formatName
        formatVersion = Self.formatVersion
        changes = plan.changes
        summary = plan.summary
        baseRevision = applied?.revision ?? 0
        configDigest = try ConfigDigest.of(desired)
        stateID = applied?.stateID
        createdAt = Timestamp.string(now)
        self.configPath = configPath
        self.git = git
        self.desired = desired
    }

    enum CodingKeys: String, CodingKey {
        case format
        case formatVersion = "format_version"
        case changes, summary
        case baseRevision = "base_revision"
        case configDigest = "config_digest"
        case stateID = "state_id"
        case createdAt = "created_at"
        case configPath = "config_path"
        case git, desired
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Reads a plan file and checks that it is whole and unedited.
    public static func read(path: String) throws(StoreError) -> PlanFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidPlanFile(path: path, reason: "it does not exist or cannot be read")
        }
        let file: PlanFile
        do { file = try JSONDecoder().decode(PlanFile.self, from: data) } catch {
            throw .invalidPlanFile(path: path, reason: "it is not a plan written by `monitor plan --out` (\(Self.describe(error)))")
        }
        guard file.format == formatName, file.formatVersion == formatVersion else {
            throw .invalidPlanFile(path: path, reason: "unknown format \(file.format) v\(file.formatVersion)")
        }
        let digest: String
        do { digest = try ConfigDigest.of(file.desired) } catch {
            throw .invalidPlanFile(path: path, reason: "its configuration cannot be encoded")
        }
        guard digest == file.configDigest else {
            throw .invalidPlanFile(
                path: path, reason: "its configuration does not match its config_digest: the file was edited after `monitor plan` wrote it")
        }
        return file
    }

    /// Refuses the plan when the state is not the one it was made against.
    public func check(against applied: AppliedState) throws(StoreError) {
        if let stateID, stateID != applied.stateID {
            throw .stalePlan(reason: "it was made for another state file (state id \(stateID), this one is \(applied.stateID))")
        }
        if baseRevision != applied.revision {
            throw .stalePlan(reason: "it was made against revision \(baseRevision), and the state is now at revision \(applied.revision)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
