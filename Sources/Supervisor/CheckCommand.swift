import Appliance
import Daemon

/// `rtpengine-supervisor check`: reads the main file and its `conf.d/*.conf` drop-ins,
/// validates them offline and prints the findings. Exit 0: valid; 1: errors; 2: unreadable.
public enum CheckCommand {
    public struct Options {
        public var file = "/etc/rtpengine/rtpengine.conf"
        public var json = false
        public var strict = false
        public var explain = false
    }

    public static func run(_ o: Options, host: HostFacts = ConfigFiles.currentHost()) -> (status: Int32, output: String) {
        let checked: ConfigFiles.Checked
        do {
            checked = try ConfigFiles.check(o.file, host: host, strict: o.strict)
        } catch {
            return (2, "\(o.file): \(error.description)\n")
        }
        let config = checked.config
        let diagnostics = checked.findings
        let errors = diagnostics.filter { $0.severity == .error }.count
        var output: String
        if o.json {
            output = "{\"valid\":\(errors == 0),\"diagnostics\":[" + diagnostics.map(\.json).joined(separator: ",") + "]}\n"
        } else {
            output = diagnostics.map { $0.description + "\n" }.joined()
            let warnings = diagnostics.count - errors
            output += errors == 0
                ? "\(o.file): valid (\(config.instances.count) instance(s)\(warnings > 0 ? ", \(warnings) warning(s)" : ""))\n"
                : "\(o.file): \(errors) error(s), \(warnings) warning(s)\n"
        }
        if o.explain, !o.json { output += Explain.render(config) }
        return (errors == 0 ? 0 : 1, output)
    }

}
