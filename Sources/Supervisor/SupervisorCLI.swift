/// `rtpengine-supervisor`'s command line: `check`, `run` and `status`; `rules` (firewall
/// management) comes with later work and says so.
public enum SupervisorCLI {
    public static let usage = """
        Usage: rtpengine-supervisor check [-c FILE] [--json] [--strict] [--explain]
               rtpengine-supervisor run [-c FILE] [--daemon PATH] [--run-dir DIR]
               rtpengine-supervisor status [--run-dir DIR]
               rtpengine-supervisor rules --dry-run [-c FILE]

          check      validate the config (FILE, default /etc/rtpengine/rtpengine.conf, and
                     conf.d/*.conf beside it) offline; exit 0 valid, 1 errors, 2 unreadable
            -c FILE  the main config file
            --json   findings as JSON
            --strict an address that is not on this host is an error, not a warning
            --explain print each instance's effective settings and where each came from
          run        start one rtpengine per instance in the foreground and keep them running
                     (restart on death, stop on SIGTERM/SIGINT, reload changed ones on SIGHUP)
            --daemon PATH   the rtpengine executable (default: the one beside this program)
            --run-dir DIR   pidfiles and state (default /run/rtpengine)
          status     each instance's pid, uptime, restarts and ng ping
          rules      --dry-run: the firewall rules of the instances with firewall = iptables, in
                     iptables-save format (run adds them at start and removes them at stop)

        """

    public static func run(_ arguments: [String]) -> (status: Int32, output: String, error: String) {
        guard let command = arguments.first else { return (2, "", usage) }
        switch command {
        case "check":
            var o = CheckCommand.Options()
            var rest = arguments.dropFirst()
            while let a = rest.popFirst() {
                switch a {
                case "-c", "--config":
                    guard let f = rest.popFirst() else { return (2, "", "-c needs a file\n" + usage) }
                    o.file = f
                case "--json": o.json = true
                case "--strict": o.strict = true
                case "--explain": o.explain = true
                default:
                    if a.hasPrefix("--config=") { o.file = String(a.dropFirst("--config=".count)) } else { return (2, "", "unknown argument '\(a)'\n" + usage) }
                }
            }
            let (status, output) = CheckCommand.run(o)
            return (status, output, "")
        case "run", "status":
            var o = RunCommand.Options()
            var rest = arguments.dropFirst()
            while let a = rest.popFirst() {
                guard let value = rest.popFirst() else { return (2, "", "\(a) needs a value\n" + usage) }
                switch a {
                case "-c", "--config": o.file = value
                case "--daemon": o.daemon = value
                case "--run-dir": o.runDirectory = value
                default: return (2, "", "unknown argument '\(a)'\n" + usage)
                }
            }
            if command == "status" {
                let (status, output) = StatusCommand.run(runDirectory: o.runDirectory)
                return (status, output, "")
            }
            return (RunCommand(o).run(), "", "")
        case "rules":
            var file = RunCommand.Options().file
            var dryRun = false
            var rest = arguments.dropFirst()
            while let a = rest.popFirst() {
                switch a {
                case "--dry-run": dryRun = true
                case "-c", "--config":
                    guard let f = rest.popFirst() else { return (2, "", "-c needs a file\n" + usage) }
                    file = f
                default: return (2, "", "unknown argument '\(a)'\n" + usage)
                }
            }
            guard dryRun else { return (2, "", "rules: only --dry-run is supported; 'run' manages the rules\n") }
            return RulesCommand.dryRun(file: file)
        case "-h", "--help", "help":
            return (0, usage, "")
        default:
            return (2, "", "unknown command '\(command)'\n" + usage)
        }
    }
}
