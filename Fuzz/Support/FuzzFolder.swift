import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A private folder for the targets whose entry point reads a file: one per process, in memory
/// (/dev/shm) when there is one, removed when libFuzzer exits normally.
final class FuzzFolder: Sendable {
    static let shared = FuzzFolder()

    let path: String

    private init() {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
        path = (base as NSString).appendingPathComponent("monitor-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: FuzzFolder.shared.path) }
    }

    /// Writes the input to `name` in the folder and returns its path: a plain write, without the
    /// temporary file and fsync of `FileManager.createFile`, which would cost more than the target.
    func write(_ start: UnsafePointer<UInt8>, _ count: Int, to name: String) -> String {
        let file = (path as NSString).appendingPathComponent(name)
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { fatalError("cannot write the input to \(file): errno \(errno)") }
        defer { close(descriptor) }
        var written = 0
        while written < count {
            let result = Glibc.write(descriptor, start + written, count - written)
            guard result > 0 else { fatalError("cannot write the input to \(file): errno \(errno)") }
            written += result
        }
        return file
    }
}
