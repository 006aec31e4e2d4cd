import Appliance
import Daemon
import KeyFile
import NetAddress
#if canImport(Glibc)
import Glibc
#endif

/// `rtpengine-supervisor check`: reads the main file and its `conf.d/*.conf` drop-ins,
/// validates them offline and prints the findings. Exit 0: valid; 1: errors; 2: unreadable.
public enum CheckCommand {
    public struct Options {
        public var file = "/etc/rtpengine/rtpengine.conf"
        public var json = false
        public var strict = false
        public var explain = false
    }

    public static func run(_ o: Options, host: HostFacts = currentHost()) -> (status: Int32, output: String) {
        let files: [ConfigText]
        do {
            files = try load(o.file)
        } catch {
            return (2, "\(o.file): \(error.description)\n")
        }
        let config = ApplianceConfig(files: files)
        var diagnostics = Validator.check(config, host: host, strict: o.strict)
        // The daemon parses with GKeyFile: a file GLib refuses is an error even where the
        // line scanner saw nothing.
        for f in files where f.syntaxErrors.isEmpty {
            do {
                _ = try KeyFile(path: f.path)
            } catch {
                diagnostics.insert(Diagnostic(.error, f.path, 1, "GKeyFile refuses the file: \(error.description)"), at: 0)
            }
        }
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

    /// The main file and its drop-ins (see `ConfigFiles`).
    public static func load(_ path: String) throws(ConfigFiles.LoadError) -> [ConfigText] { try ConfigFiles.load(path) }

    public static func currentHost() -> HostFacts { ConfigFiles.currentHost() }
}
