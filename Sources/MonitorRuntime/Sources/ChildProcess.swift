import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A program monitor runs and reads (restic, borg), bounded in time and in output: no shell,
/// arguments as given, standard input from `/dev/null` (a tool that would prompt gets end of
/// file instead of waiting), and its own process group, so that a timeout kills whatever it
/// started too (borg's ssh, restic's rclone).
struct ChildProcess: Sendable {
    /// How the run ended.
    enum Ending: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal ended it (not ours).
        case signalled(Int32)
        /// It ran past the timeout and was killed with its process group.
        case timedOut
        /// Its standard output passed the limit and it was killed with its process group.
        case tooMuchOutput
        /// It could not be started (no such program, not executable): the system's reason.
        case cannotStart(String)
    }

    struct Result: Sendable {
        var ending: Ending
        var stdout: Data
        /// The first ``stderrLimit`` bytes of standard error.
        var stderr: Data
    }

    /// What is kept of standard error: enough for any tool's message.
    static let stderrLimit = 64 * 1024

    /// A name without "/" is looked up in the `PATH` of monitor's own environment.
    var program: String
    var arguments: [String]
    /// The child's whole environment.
    var environment: [String: String]
    var timeout: Duration
    var stdoutLimit: Int

    func run() -> Result {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard Self.pipe(&outPipe) else { return .init(ending: .cannotStart(Self.errnoText()), stdout: Data(), stderr: Data()) }
        guard Self.pipe(&errPipe) else {
            let reason = Self.errnoText()
            close(outPipe[0])
            close(outPipe[1])
            return .init(ending: .cannotStart(reason), stdout: Data(), stderr: Data())
        }
        let pid: pid_t
        switch spawn(stdout: outPipe[1], stderr: errPipe[1]) {
        case .success(let started): pid = started
        case .failure(let reason):
            for fd in outPipe + errPipe { close(fd) }
            return .init(ending: .cannotStart(reason), stdout: Data(), stderr: Data())
        }
        close(outPipe[1])
        close(errPipe[1])
        defer {
            close(outPipe[0])
            close(errPipe[0])
        }
        return collect(pid: pid, stdout: outPipe[0], stderr: errPipe[0])
    }

    private enum Spawned {
        case success(pid_t)
        case failure(String)
    }

    private func spawn(stdout: Int32, stderr: Int32) -> Spawned {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own (killed whole on timeout); default signal handling and no blocked
        // signal, whatever the daemon ignores (SIGPIPE) or blocks.
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([program] + arguments).map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = (argv + [nil]).withUnsafeBufferPointer { argvBuffer in
            (envp + [nil]).withUnsafeBufferPointer { envpBuffer in
                let argvPointer = UnsafePointer(argvBuffer.baseAddress!)
                let envpPointer = UnsafePointer(envpBuffer.baseAddress!)
                return program.contains("/")
                    ? posix_spawn(&pid, program, &actions, &attributes, argvPointer, envpPointer)
                    : posix_spawnp(&pid, program, &actions, &attributes, argvPointer, envpPointer)
            }
        }
        guard status == 0 else {
            let reason = String(cString: strerror(status))
            return .failure(program.contains("/") ? "cannot run \(program): \(reason)" : "cannot run \(program) from PATH: \(reason)")
        }
        return .success(pid)
    }

    /// Reads both pipes until they close, the deadline passes or the output is too large, then
    /// reaps the child.
    private func collect(pid: pid_t, stdout: Int32, stderr: Int32) -> Result {
        let deadline = ContinuousClock.now + timeout
        var out = Data()
        var err = Data()
        var open: [Int32] = [stdout, stderr]
        var ending: Ending?
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !open.isEmpty, ending == nil {
            let left = deadline - ContinuousClock.now
            guard left > .zero else {
                ending = .timedOut
                break
            }
            var polls = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let milliseconds = Int32(clamping: max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            let ready = poll(&polls, nfds_t(polls.count), milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                ending = .cannotStart("cannot read its output: \(Self.errnoText())")
                break
            }
            for entry in polls where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count < 0, errno == EINTR || errno == EAGAIN { continue }
                guard count > 0 else {
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                if entry.fd == stdout {
                    out.append(contentsOf: buffer[0..<count])
                    if out.count > stdoutLimit { ending = .tooMuchOutput }
                } else if err.count < Self.stderrLimit {
                    err.append(contentsOf: buffer[0..<min(count, Self.stderrLimit - err.count)])
                }
            }
        }
        if ending != nil {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
        // The pipes are closed: the child exits now, or (having closed them early) by the deadline.
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, ending == nil ? WNOHANG : 0)
            if reaped == pid { break }
            if reaped < 0, errno != EINTR { break }
            if reaped == 0 {
                if ContinuousClock.now >= deadline {
                    ending = .timedOut
                    kill(-pid, SIGKILL)
                    kill(pid, SIGKILL)
                    continue
                }
                usleep(5_000)
            }
        }
        if let ending { return Result(ending: ending, stdout: out, stderr: err) }
        let signal = status & 0x7f
        let final: Ending = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
        return Result(ending: final, stdout: out, stderr: err)
    }

    /// A pipe whose ends are closed in every child (the child's own standard output and error
    /// are copies made by `posix_spawn`). `pipe2(O_CLOEXEC)` is not visible to Swift here.
    private static func pipe(_ fds: inout [Int32]) -> Bool {
        guard Glibc.pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
