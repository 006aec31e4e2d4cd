/// `rtpengine-supervisor`'s command line: `check` is built; `run`, `status` and `rules`
/// come with later work and say so.
public enum SupervisorCLI {
    public static let usage = """
        Usage: rtpengine-supervisor check [-c FILE] [--json] [--strict] [--explain]

          check      validate the config (FILE, default /etc/rtpengine/rtpengine.conf, and
                     conf.d/*.conf beside it) offline; exit 0 valid, 1 errors, 2 unreadable
            -c FILE  the main config file
            --json   findings as JSON
            --strict an address that is not on this host is an error, not a warning
            --explain print each instance's effective settings and where each came from

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
        case "run", "status", "rules":
            return (2, "", "rtpengine-supervisor \(command): not supported by this version yet (only 'check' is built)\n")
        case "-h", "--help", "help":
            return (0, usage, "")
        default:
            return (2, "", "unknown command '\(command)'\n" + usage)
        }
    }
}
