/// Decides, for each new HTTP connection, whether there is room for it — a pure state machine
/// (values in, an `Admission` out) that `ConnectionGuard` performs on real channels.
///
/// Past `capacity` open connections, a new one takes the place of the connection that has been
/// waiting longest for a request (an idle client, or one that never sent anything): a flood of
/// idle sockets then cannot lock out `/healthz` or the dashboard, and the daemon never runs out
/// of file descriptors. Only when every connection is busy answering a request is the new one
/// refused. The first time the limit is hit in a burst it asks for one warning; the burst ends
/// when the open connections fall back to half the capacity.
struct ConnectionLimiter: Sendable {
    typealias ID = UInt64

    enum Admission: Equatable, Sendable {
        /// Keep the new connection.
        case admit
        /// Keep the new connection and close `ID`, the longest-waiting one.
        case admitClosing(ID)
        /// Close the new connection: every open one is busy.
        case refuse
    }

    struct Decision: Equatable, Sendable {
        var admission: Admission
        /// Log the "limit reached" warning now (once per burst).
        var warn: Bool
    }

    private struct Entry {
        var busy: Bool
        /// When it last started waiting for a request, as a sequence number: smaller waited longer.
        var waitingSince: UInt64
    }

    let capacity: Int
    private var entries: [ID: Entry] = [:]
    private var sequence: UInt64 = 0
    private var warned = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var openCount: Int { entries.count }

    mutating func opened(_ id: ID) -> Decision {
        guard entries.count >= capacity else {
            entries[id] = Entry(busy: false, waitingSince: next())
            return Decision(admission: .admit, warn: false)
        }
        let warn = !warned
        warned = true
        let oldest = entries.filter { !$0.value.busy }.min { $0.value.waitingSince < $1.value.waitingSince }?.key
        guard let oldest else { return Decision(admission: .refuse, warn: warn) }
        entries[oldest] = nil
        entries[id] = Entry(busy: false, waitingSince: next())
        return Decision(admission: .admitClosing(oldest), warn: warn)
    }

    /// A request head arrived: the connection is no longer idle and is not closed for room.
    mutating func requestStarted(_ id: ID) {
        entries[id]?.busy = true
    }

    /// Its response was written: it waits for the next request.
    mutating func requestFinished(_ id: ID) {
        guard entries[id] != nil else { return }
        entries[id] = Entry(busy: false, waitingSince: next())
    }

    mutating func closed(_ id: ID) {
        entries[id] = nil
        if entries.count <= capacity / 2 { warned = false }
    }

    private mutating func next() -> UInt64 {
        sequence += 1
        return sequence
    }
}
