import Foundation

/// `check-jsonschema`, the validator the schemas are checked with (installed by
/// `scripts/setup-test-deps`), driven as a real program.
enum CheckJSONSchema {
    static let installHint = "run scripts/setup-test-deps, which installs check-jsonschema 0.39.0 with pip"

    static func executable() throws -> URL {
        try programOnPath("check-jsonschema", installHint: installHint)
    }

    /// Validates `files` (relative to `directory`) against `schema`, in one run of the tool.
    ///
    /// - Returns: each file's problems as the tool words them; an empty list means the file is valid.
    static func validate(_ files: [String], against schema: URL, in directory: URL) throws -> [String: [String]] {
        guard !files.isEmpty else { return [:] }
        let result = try runProcess(
            try executable(), ["--output-format", "json", "--schemafile", schema.path] + files,
            environment: ProcessInfo.processInfo.environment, in: directory)
        struct Report: Decodable {
            struct Problem: Decodable {
                let filename: String
                let path: String?
                let message: String
            }
            let errors: [Problem]
            let parse_errors: [Problem]?
        }
        guard result.exit == 0 || result.exit == 1,
            let report = try? JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        else {
            throw MissingProgram(description: "check-jsonschema failed (exit \(result.exit)): \(result.stderr)\(result.stdout)")
        }
        var problems = Dictionary(uniqueKeysWithValues: files.map { ($0, [String]()) })
        for problem in report.errors + (report.parse_errors ?? []) {
            problems[problem.filename, default: []].append("\(problem.path.map { "\($0): " } ?? "")\(problem.message)")
        }
        return problems
    }

    /// Checks that `schema` is itself a valid schema under the metaschema it names in `$schema`.
    static func checkMetaschema(_ schema: URL) throws -> ProcessResult {
        try runProcess(try executable(), ["--check-metaschema", schema.path], environment: ProcessInfo.processInfo.environment)
    }
}
