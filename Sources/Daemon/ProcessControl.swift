#if canImport(Glibc)
import Glibc
#endif

/// Detaches from the terminal unless `--foreground`: the parent stays until the child has
/// finished starting, then exits with the child's start-up result, so a failing start is
/// visible to whoever launched the daemon (an init script, an operator's shell).
public struct StartupReporter: ~Copyable {
    private var fd: Int32

    /// A reporter that reports to nobody (foreground mode).
    public static func foreground() -> StartupReporter { StartupReporter(fd: -1) }

    private init(fd: Int32) { self.fd = fd }

    /// Forks. Returns only in the child; the parent exits with the child's report.
    public static func daemonize(keepStderr: Bool) -> StartupReporter {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return .foreground() }
        let pid = fork()
        if pid < 0 {
            close(fds[0]); close(fds[1])
            return .foreground()
        }
        if pid > 0 {
            close(fds[1])
            var status: UInt8 = 1
            let n = read(fds[0], &status, 1)
            exit(n == 1 ? Int32(status) : 1)
        }
        close(fds[0])
        closeInheritedDescriptors(keeping: fds[1])
        setsid()
        _ = chdir("/")
        let null = open("/dev/null", O_RDWR)
        if null >= 0 {
            dup2(null, STDIN_FILENO)
            dup2(null, STDOUT_FILENO)
            if !keepStderr { dup2(null, STDERR_FILENO) }
            if null > STDERR_FILENO { close(null) }
        }
        return StartupReporter(fd: fds[1])
    }

    /// A detached daemon must not hold descriptors its launcher passed down (a supervisor's
    /// pipes would otherwise never see EOF); only stdio and the report pipe stay.
    private static func closeInheritedDescriptors(keeping keep: Int32) {
        guard let dir = opendir("/proc/self/fd") else { return }
        var open: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let fd = Int32(name) { open.append(fd) }
        }
        let dirFD = dirfd(dir)
        closedir(dir)
        for fd in open where fd > STDERR_FILENO && fd != keep && fd != dirFD { close(fd) }
    }

    /// Tells the waiting parent how start-up ended (0 = running).
    public mutating func report(_ status: UInt8) {
        guard fd >= 0 else { return }
        var s = status
        _ = write(fd, &s, 1)
        close(fd)
        fd = -1
    }

    deinit {
        if fd >= 0 { close(fd) }
    }
}

/// The process id file (`--pidfile`), removed again on clean shutdown.
public struct PidFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public func write() throws(LifecycleError) {
        let text = "\(getpid())\n"
        guard let f = fopen(path, "w") else {
            throw LifecycleError("Failed to write pidfile \(path): \(String(cString: strerror(errno)))")
        }
        fputs(text, f)
        fclose(f)
    }

    public func remove() { unlink(path) }
}

/// Signals the daemon acts on, handled synchronously by the main thread with `sigwait`.
/// They are blocked before any other thread starts so every thread inherits the mask and
/// only the main thread receives them.
public enum ShutdownSignals {
    public static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    public static func block() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in handled { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Waits for the next handled signal.
    public static func wait() -> Int32 {
        var set = sigset_t()
        sigemptyset(&set)
        for s in handled { sigaddset(&set, s) }
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return received
    }
}

public struct LifecycleError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
