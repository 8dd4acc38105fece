extension StatusReportReading {
    static let fileExample = "{\"path\": \"dump.sql.gz\", \"size\": 1834, \"sha256\": \"…\"}"

    /// `files`: required and non-empty for SUCCESS, validated whenever present.
    mutating func readFiles(status: StatusReport.Outcome?) -> [StatusReport.File] {
        guard let value = fields["files"] else {
            if status == .success { problems.append("files is required when status is SUCCESS: list the backup's files, e.g. [\(Self.fileExample)]") }
            return []
        }
        guard case .array(let elements) = value else {
            problems.append("files must be a list of files such as [\(Self.fileExample)], found \(value.shown)")
            return []
        }
        if elements.isEmpty, status == .success { problems.append("files is empty; a SUCCESS status file lists at least one file") }
        var files: [StatusReport.File] = []
        // Keyed by String, so paths that differ only in Unicode normalization (NFC and NFD "é")
        // count as duplicates: they are two files on Linux but one name to Swift code downstream.
        var seen: [String: (index: Int, path: String)] = [:]
        for (index, element) in elements.enumerated() {
            let name = "files[\(index)]"
            guard case .object(let entry) = element else {
                problems.append("\(name) must be an object such as \(Self.fileExample), found \(element.shown)")
                continue
            }
            let path = readPath(entry["path"], name: name, index: index, seen: &seen)
            let size = readSize(entry["size"], name: name)
            let sha256 = readSHA256(entry["sha256"], name: name, required: verify == .sha256 && status != .failed)
            if let path { files.append(StatusReport.File(path: path, size: size, sha256: sha256)) }
        }
        return files
    }

    private mutating func readPath(_ value: StrictJSON?, name: String, index: Int, seen: inout [String: (index: Int, path: String)]) -> String? {
        switch value {
        case nil:
            problems.append("\(name).path is required: the file's path relative to staging/")
        case .string(let path)?:
            if let problem = StatusPath.problem(with: path) {
                problems.append("\(name).path \(SafeText.quoted(path)) \(problem)")
            } else if let first = seen[path] {
                let normalization =
                    Array(first.path.utf8) == Array(path.utf8)
                    ? "" : " as \(SafeText.quoted(first.path)), which differs only in Unicode normalization"
                problems.append("\(name).path \(SafeText.quoted(path)) is listed twice (also files[\(first.index)]\(normalization))")
            } else {
                seen[path] = (index, path)
                return path
            }
        case let other?:
            problems.append("\(name).path must be a string, found \(other.shown)")
        }
        return nil
    }

    private mutating func readSize(_ value: StrictJSON?, name: String) -> Int64? {
        let expected = "\(name).size must be a whole number of bytes (0 or more)"
        switch value {
        case nil:
            return nil
        case .number(let text)?:
            if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                problems.append("\(expected), found number \(text.prefix(40)) (write it without a fraction or exponent)")
            } else if text.hasPrefix("-"), text.dropFirst().contains(where: { $0 != "0" }) {
                problems.append("\(expected), found number \(text.prefix(40))")
            } else if let size = Int64(text) {
                return size
            } else {
                problems.append("\(expected), found number \(text.prefix(40)), which is too large")
            }
        case let other?:
            problems.append("\(expected), found \(Self.shown(optional: other))")
        }
        return nil
    }

    /// `required` is false for a FAILED status file: nothing is promoted from a failure, and
    /// refusing it for a missing hash would hide the producer's own message.
    private mutating func readSHA256(_ value: StrictJSON?, name: String, required: Bool) -> String? {
        let expected = "\(name).sha256 must be 64 hexadecimal digits"
        switch value {
        case nil:
            if required { problems.append("\(name).sha256 is required: the job has verify: sha256") }
        case .string(let text)?:
            if text.utf8.count == 64, text.utf8.allSatisfy(\.isHexDigit) { return text.lowercased() }
            let hint = text.lowercased().hasPrefix("sha256:") ? " (without the \"sha256:\" prefix)" : ""
            problems.append("\(expected), found \(SafeText.quoted(text))\(hint)")
        case let other?:
            problems.append("\(expected), found \(Self.shown(optional: other))")
        }
        return nil
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
