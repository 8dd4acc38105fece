import Synchronization

/// Raised to make a scrub in progress stop at the next chunk it reads (the daemon's graceful
/// shutdown, SIGINT to `monitor verify`): what it checked so far is recorded, and the next scrub
/// resumes from there.
public final class ScrubStop: Sendable {
    private let raised = Atomic<Bool>(false)
    /// How many more times the scrub may look before the stop raises itself: tests stop a scrub
    /// at an exact point this way; otherwise it never runs out.
    private let looksLeft: Atomic<Int>

    public init() {
        looksLeft = Atomic(Int.max)
    }

    /// A stop that raises itself when the scrub looks at it for the `looks + 1`-th time (it looks
    /// before each file and before each chunk it reads).
    init(afterLooks looks: Int) {
        looksLeft = Atomic(looks)
    }

    public func raise() { raised.store(true, ordering: .relaxed) }

    public var isRaised: Bool {
        if raised.load(ordering: .relaxed) { return true }
        if looksLeft.wrappingSubtract(1, ordering: .relaxed).newValue < 0 {
            raise()
            return true
        }
        return false
    }
}
