import Appliance
import Config
import Daemon
import Systemd
#if canImport(Glibc)
import Glibc
#endif

/// `rtpengine-supervisor run`: one `rtpengine` per instance, in the foreground, restarted
/// when it dies, stopped with the supervisor, reloaded on SIGHUP; READY once every
/// instance answers an ng ping. Signals are taken synchronously (`sigtimedwait`), so the
/// whole loop is one thread plus one log-copying thread per instance.
public final class RunCommand {
    public struct Options: Sendable {
        public var file = "/etc/rtpengine/rtpengine.conf"
        public var daemon = RunCommand.siblingDaemon()
        public var runDirectory = "/run/rtpengine"
    }

    let options: Options
    var plan = SupervisionPlan()
    var config: ApplianceConfig?
    var stopDeadline: Double?
    var ready = false

    public init(_ options: Options) { self.options = options }

    /// The `rtpengine` beside this executable.
    public static func siblingDaemon() -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count)
        guard n > 0, case let path = String(decoding: buffer[0..<n], as: UTF8.self), let slash = path.lastIndex(of: "/") else {
            return "/usr/bin/rtpengine"
        }
        return String(path[..<slash]) + "/rtpengine"
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    func log(_ text: String) {
        let line = "[supervisor] \(text)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }

    /// Loads and checks the config; nil (after logging every error) when it has errors.
    func loadConfig() -> ApplianceConfig? {
        let checked: ConfigFiles.Checked
        do {
            checked = try ConfigFiles.check(options.file)
        } catch {
            log("\(options.file): \(error.description)")
            return nil
        }
        for f in checked.findings { log(f.description) }
        return checked.errors.isEmpty ? checked.config : nil
    }

    /// Each instance and a fingerprint of its effective settings.
    static func desired(_ config: ApplianceConfig) -> [(name: String, fingerprint: String)] {
        config.instances.map { instance in
            let s = config.settings(for: instance)
            let values = s.values.keys.sorted().map { "\($0)=\(s.values[$0]!)" }.joined(separator: "\n")
            let ports = s.ports.keys.sorted().map { "\($0)=\(s.ports[$0]!)" }.joined(separator: "\n")
            return (instance.name, values + "\n" + ports)
        }
    }

    public func run() -> Int32 {
        guard let config = loadConfig() else {
            log("refusing to start: the configuration has errors")
            return 1
        }
        self.config = config
        mkdir(options.runDirectory, 0o755)
        var signals = sigset_t()
        sigemptyset(&signals)
        for s in [SIGCHLD, SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, s) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        perform(plan.reconcile(Self.desired(config), now: Self.now()))
        while true {
            let now = Self.now()
            let wait = min(0.2, max(0.01, (plan.nextDue ?? now + 0.2) - now))
            var ts = timespec(tv_sec: Int(wait), tv_nsec: Int((wait - Double(Int(wait))) * 1e9))
            var info = siginfo_t()
            let signal = sigtimedwait(&signals, &info, &ts)
            switch signal {
            case SIGCHLD: reap()
            case SIGTERM, SIGINT:
                if stopDeadline == nil {
                    log("stopping every instance")
                    SystemdNotifier.stopping()
                    stopDeadline = Self.now() + 5
                    perform(plan.stopAll())
                }
            case SIGHUP: reload()
            default: break
            }
            reap()
            if let deadline = stopDeadline {
                if plan.running.isEmpty {
                    writeState()
                    return 0
                }
                if Self.now() > deadline {
                    for name in plan.running { if let pid = plan.instances[name]?.pid { kill(pid, SIGKILL) } }
                }
                continue
            }
            perform(plan.due(now: Self.now()))
            if !ready, plan.running.count == plan.order.filter({ plan.instances[$0]?.wanted == true }).count, allAnswer() {
                ready = true
                log("every instance answers ng ping")
                SystemdNotifier.ready(status: "\(plan.running.count) instance(s) running")
            }
        }
    }

    func reload() {
        log("SIGHUP: reading \(options.file) again")
        guard let fresh = loadConfig() else {
            log("keeping the running instances: the new configuration has errors")
            return
        }
        config = fresh
        perform(plan.reconcile(Self.desired(fresh), now: Self.now()))
    }

    func reap() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return }
            guard let name = plan.order.first(where: { plan.instances[$0]?.pid == pid }) else { continue }
            // A clean exit (status 0) is what a daemon does when told to stop.
            let clean = (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0
            log("instance \(name) (pid \(pid)) \(clean ? "exited" : "died (status \(status))")")
            removeTable(of: name)
            perform(plan.exited(name, requested: clean, now: Self.now()))
            if plan.stopping || plan.instances[name]?.wanted == false { clearFirewall(name) }
        }
    }

    func perform(_ actions: [SupervisionPlan.Action]) {
        for action in actions {
            switch action {
            case .start(let name): start(name)
            case .stop(let name):
                if let pid = plan.instances[name]?.pid { kill(pid, SIGTERM) }
            }
        }
        writeState()
    }

    func start(_ name: String) {
        guard let config, let instance = config.instance(named: name) else { return }
        removeTable(of: name)
        var arguments = ["--config-file=\(options.file)", "--foreground", "--log-stderr",
                         "--pidfile=\(options.runDirectory)/\(name).pid"]
        if instance.section != nil { arguments.append("--config-section=\(instance.sectionName)") }
        do {
            let pid = try InstanceProcess.spawn(options.daemon, arguments, tag: name)
            plan.started(name, pid: pid, now: Self.now())
            log("instance \(name) started (pid \(pid))")
            applyFirewall(instance)
        } catch {
            log("instance \(name): \(error.description)")
            plan.failedToStart(name, now: Self.now())
        }
    }

    func applyFirewall(_ instance: Instance) {
        guard let config, Firewall.enabled(instance) else { return }
        let rules = Firewall.rules(for: instance, in: config, host: ConfigFiles.currentHost())
        do {
            try Firewall(chain: Firewall.chain(of: instance)).apply(rules, instance: instance.name)
            log("instance \(instance.name): \(rules.count) firewall rule(s) in chain \(Firewall.chain(of: instance))")
        } catch {
            log("instance \(instance.name): firewall rules not set: \(error.description)")
        }
    }

    func clearFirewall(_ name: String) {
        guard let instance = config?.instance(named: name), Firewall.enabled(instance) else { return }
        do {
            try Firewall(chain: Firewall.chain(of: instance)).clear(instance: name)
        } catch {
            log("instance \(name): firewall rules not removed: \(error.description)")
        }
    }

    /// A kernel table left from an earlier run goes before start and after stop (when the
    /// kernel module is loaded).
    func removeTable(of name: String) {
        guard let table = config?.instance(named: name)?["table"].flatMap({ Int($0.value) }), table >= 0,
              let f = fopen("/proc/rtpengine/control", "w") else { return }
        fputs("del \(table)\n", f)
        fclose(f)
    }

    /// The first ng listener of each instance, for pings.
    func ngAddress(_ name: String) -> ListenAddress? {
        guard let value = config?.instance(named: name)?["listen-ng"]?.items.first,
              case .success(let l) = ListenAddress.parse(String(value)) else { return nil }
        return l
    }

    func allAnswer() -> Bool {
        plan.running.allSatisfy { name in ngAddress(name).map { NGPing.ping($0, timeout: 0.2) } ?? true }
    }

    /// One line per instance for `status`: name, pid, start time (wall clock), restarts, ng.
    func writeState() {
        var text = ""
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        let offset = Double(wall.tv_sec) + Double(wall.tv_nsec) / 1e9 - Self.now()
        for name in plan.order {
            guard let s = plan.instances[name] else { continue }
            let started = s.startedAt.map { String(Int($0 + offset)) } ?? "-"
            text += "\(name) \(s.pid.map(String.init) ?? "-") \(started) \(s.restarts) \(ngAddress(name)?.description ?? "-")\n"
        }
        let path = options.runDirectory + "/supervisor.state"
        guard let f = fopen(path + ".new", "w") else { return }
        fputs(text, f)
        fclose(f)
        rename(path + ".new", path)
    }
}
