import Dispatch
import Foundation
import MonitorCore

/// Copies the files of a report, two at a time when there are several and the machine has
/// the cores for it.
///
/// One file's copy is bound by SHA-256 (one core) while its reads and writes run beside it, so
/// a second file in flight is what lets a backup made of several files use a second core. When
/// a file fails, no further file is started; the files in flight finish, and the failure
/// reported is that of the first failing file in the report's order, whatever the timing.
struct FileCopies {
    let files: [StatusReport.File]
    let jobFolder: String

    /// Files copied at once: more would only compete for the same cores and disk.
    private static let maximumInFlight = 2

    /// - Returns: the number of bytes copied of each file, in the order of `files`.
    func copy(from staging: Int32, into tree: VersionTree) throws(PromotionFailure) -> [Int64] {
        let workers = min(files.count, Self.maximumInFlight, ProcessInfo.processInfo.activeProcessorCount)
        guard workers > 1 else {
            let hasher = ChunkHasher()
            var sizes: [Int64] = []
            for file in files {
                sizes.append(try FileCopy(file: file, hasher: hasher, jobFolder: jobFolder).copy(from: staging, into: tree))
            }
            return sizes
        }
        let progress = Progress(count: files.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let hasher = ChunkHasher()
            while let index = progress.nextIndex() {
                do throws(PromotionFailure) {
                    let bytes = try FileCopy(file: files[index], hasher: hasher, jobFolder: jobFolder).copy(from: staging, into: tree)
                    progress.finished(index, bytes: bytes)
                } catch {
                    progress.failed(index, error)
                }
            }
        }
        return try progress.result()
    }

    /// Which file comes next, and what the copies came to; shared by the workers under a lock.
    private final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private let count: Int
        private var next = 0
        private var sizes: [Int64]
        private var failures: [Int: PromotionFailure] = [:]

        init(count: Int) {
            self.count = count
            sizes = Array(repeating: 0, count: count)
        }

        func nextIndex() -> Int? {
            lock.withLock {
                guard failures.isEmpty, next < count else { return nil }
                defer { next += 1 }
                return next
            }
        }

        func finished(_ index: Int, bytes copied: Int64) { lock.withLock { sizes[index] = copied } }

        func failed(_ index: Int, _ failure: PromotionFailure) { lock.withLock { failures[index] = failure } }

        func result() throws(PromotionFailure) -> [Int64] {
            let (failure, copied) = lock.withLock { (failures.keys.min().flatMap { failures[$0] }, sizes) }
            if let failure { throw failure }
            return copied
        }
    }
}
