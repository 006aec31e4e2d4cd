#if canImport(Glibc)
import Glibc
#endif

/// Starting one daemon process: posix_spawn with default signal handling, its output on a
/// pipe whose lines a thread of its own copies to our stderr, tagged with the instance.
enum InstanceProcess {
    struct SpawnError: Error, CustomStringConvertible { let description: String }

    static func spawn(_ executable: String, _ arguments: [String], tag: String) throws(SpawnError) -> Int32 {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
        // Close-on-exec: only the child's dup2'd copies (its stdout and stderr) survive exec.
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The supervisor blocks the signals it waits for; the daemon must not inherit that.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        // The supervisor reports readiness to systemd; its instances must not.
        var environment: [UnsafeMutablePointer<CChar>?] = []
        var e = environ
        while let entry = e.pointee {
            if strncmp(entry, "NOTIFY_SOCKET=", 14) != 0 { environment.append(entry) }
            e += 1
        }
        environment.append(nil)
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environment)
        close(pipeFDs[1])
        guard rc == 0 else {
            close(pipeFDs[0])
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        relay(pipeFDs[0], tag: tag)
        return pid
    }

    /// Copies `fd`'s lines to stderr as `[tag] line` until the writer closes it.
    static func relay(_ fd: Int32, tag: String) {
        final class Job {
            let fd: Int32
            let prefix: [UInt8]
            init(fd: Int32, prefix: [UInt8]) { self.fd = fd; self.prefix = prefix }
        }
        let job = Unmanaged.passRetained(Job(fd: fd, prefix: Array("[\(tag)] ".utf8))).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(job.fd, &buffer, buffer.count)
                if n <= 0 { break }
                pending += buffer[0..<n]
                while let nl = pending.firstIndex(of: 0x0a) {
                    let line = job.prefix + pending[...nl]
                    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
                    pending.removeSubrange(...nl)
                }
            }
            if !pending.isEmpty {
                let line = job.prefix + pending + [0x0a]
                _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            }
            close(job.fd)
            return nil
        }, job)
        if rc == 0 { pthread_detach(thread) } else { close(fd) }
    }
}
