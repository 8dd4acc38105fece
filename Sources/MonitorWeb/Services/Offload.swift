import Dispatch

/// Runs blocking work (SQLite, the file system) on a Dispatch thread, so that the few threads
/// of the cooperative pool keep answering requests while a scan hashes files or a read waits.
func offload<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    let result: Result<T, E> = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(returning: Result { () throws(E) -> T in try body() })
        }
    }
    return try result.get()
}
