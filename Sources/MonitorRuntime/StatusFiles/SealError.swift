/// Why `monitor seal` could not write a status file; each message says what to do next.
public enum SealError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAFolder(String)
    case symbolicLink(String)
    case notRegularFile(String)
    /// A file name that a status file cannot carry (not UTF-8, a control character...).
    case unlistableName(path: String, reason: String)
    case unreadable(path: String, reason: String)
    case noFiles(folder: String)
    case cannotWrite(path: String, reason: String)
    /// The status file would be over the size that `scan` accepts (``StatusFileReader/maximumSize``).
    case tooLarge(bytes: Int, files: Int)
    /// The report would not pass the scanner's own checks (a bug, or names that clash).
    case refusedByDecoder(String)

    public var description: String {
        switch self {
        case .notAFolder(let path):
            "\(path) is not a folder"
        case .symbolicLink(let path):
            "\(path) is a symbolic link; a status file lists only regular files inside the folder (copy the file in instead of linking it)"
        case .notRegularFile(let path):
            "\(path) is not a regular file (a FIFO, socket or device); remove it from the folder to seal"
        case .unlistableName(let path, let reason):
            "\(path) \(reason); rename it to seal this folder"
        case .unreadable(let path, let reason):
            "cannot read \(path): \(reason)"
        case .noFiles(let folder):
            "\(folder) has no files: a SUCCESS status file lists at least one file (use --status FAILED to report a failed backup)"
        case .cannotWrite(let path, let reason):
            "cannot write \(path): \(reason)"
        case .tooLarge(let bytes, let files):
            "the status file for \(files) files would be \(String(format: "%.1f", Double(bytes) / 1_048_576)) MiB, over the 16 MiB "
                + "that monitor scan accepts; nothing was written — pack the files into fewer archives (one tar per folder, say) and seal again"
        case .refusedByDecoder(let problem):
            "the status file would be refused by the scanner: \(problem)"
        }
    }
}
