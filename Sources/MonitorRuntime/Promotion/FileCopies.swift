import Dispatch
import Foundation
import MonitorCore

/// Copies (or links, or only verifies) the files of a report, two at a time when there are
/// several and the machine has the cores for it.
///
/// One file's copy is bound by SHA-256 (one core) while its reads and writes run beside it (the
/// hasher works on its own thread), so a second file in flight is what lets a backup made of
/// several files use a second core. When
/// a file fails, no further file is started; the files in flight finish, and the failure
/// reported is that of the first failing file in the report's order, whatever the timing.
struct FileCopies {
    let files: [StatusReport.File]
    let jobFolder: String

    /// What became of one file.
    struct Outcome: Sendable {
        /// Bytes copied, linked or verified.
        var bytes: Int64
        /// The SHA-256 computed, when the file was hashed on its own (linked, or verified in place).
        var sha256: String?
        /// Hard-linked from the current version instead of copied.
        var linked = false
    }

    /// Files copied at once: more would only compete for the same cores and disk.
    private static let maximumInFlight = 2

    /// Copies every file into `tree` (`promote: copy`), with mode 0444 when `readOnly`.
    ///
    /// With `linking` (`promote: link_unchanged`) a file whose size and SHA-256 equal a file of
    /// the current version is hashed in staging, then hard-linked from that version; where the
    /// link is refused, or nothing matches, it is copied.
    /// With `flushesNow` off (a batch of promotions), no file is flushed: the batch flushes them all at once.
    func copy(
        from staging: Int32, into tree: VersionTree, readOnly: Bool = false, linking: CurrentFiles? = nil, flushesNow: Bool = true
    ) throws(PromotionFailure) -> [Outcome] {
        try each { file, hasher throws(PromotionFailure) in
            let copy = FileCopy(file: file, hasher: hasher, jobFolder: jobFolder, readOnly: readOnly, flushesNow: flushesNow)
            if let linking, let linked = try linking.link(copy, from: staging, into: tree) { return linked }
            return Outcome(bytes: try copy.copy(from: staging, into: tree))
        }
    }

    /// Verifies every file where it is, in staging (`promote: none`): presence, size, SHA-256.
    func verifyInPlace(in staging: Int32) throws(PromotionFailure) -> [Outcome] {
        try each { file, hasher throws(PromotionFailure) in
            let (size, sha256) = try FileCopy(file: file, hasher: hasher, jobFolder: jobFolder).hash(from: staging)
            return Outcome(bytes: size, sha256: sha256)
        }
    }

    /// Runs `work` on every file, two at a time where that helps, each worker with its own hasher.
    ///
    /// - Returns: the outcome of each file, in the order of `files`.
    private func each(_ work: @Sendable (StatusReport.File, ChunkHasher) throws(PromotionFailure) -> Outcome) throws(PromotionFailure) -> [Outcome] {
        let workers = min(files.count, Self.maximumInFlight, ProcessInfo.processInfo.activeProcessorCount)
        guard workers > 1 else {
            let hasher = ChunkHasher()
            var outcomes: [Outcome] = []
            for file in files { outcomes.append(try work(file, hasher)) }
            return outcomes
        }
        let progress = Progress(count: files.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let hasher = ChunkHasher()
            while let index = progress.nextIndex() {
                do throws(PromotionFailure) {
                    progress.finished(index, try work(files[index], hasher))
                } catch {
                    progress.failed(index, error)
                }
            }
        }
        return try progress.result()
    }

    /// Which file comes next, and what became of each; shared by the workers under a lock.
    private final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private let count: Int
        private var next = 0
        private var outcomes: [Outcome]
        private var failures: [Int: PromotionFailure] = [:]

        init(count: Int) {
            self.count = count
            outcomes = Array(repeating: Outcome(bytes: 0), count: count)
        }

        func nextIndex() -> Int? {
            lock.withLock {
                guard failures.isEmpty, next < count else { return nil }
                defer { next += 1 }
                return next
            }
        }

        func finished(_ index: Int, _ outcome: Outcome) { lock.withLock { outcomes[index] = outcome } }

        func failed(_ index: Int, _ failure: PromotionFailure) { lock.withLock { failures[index] = failure } }

        func result() throws(PromotionFailure) -> [Outcome] {
            let (failure, done) = lock.withLock { (failures.keys.min().flatMap { failures[$0] }, outcomes) }
            if let failure { throw failure }
            return done
        }
    }
}
