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

    public struct LoadError: Error { public let description: String }

    /// The main file, then `conf.d/*.conf` in the main file's folder, in lexical order.
    public static func load(_ path: String) throws(LoadError) -> [ConfigText] {
        guard let main = readFile(path) else { throw LoadError(description: "cannot read: \(String(cString: strerror(errno)))") }
        var files = [ConfigText(path: path, text: main)]
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let dropins = folder + "/conf.d"
        for name in listDirectory(dropins).filter({ $0.hasSuffix(".conf") }).sorted() {
            let p = dropins + "/" + name
            guard let text = readFile(p) else { throw LoadError(description: "cannot read drop-in \(p)") }
            files.append(ConfigText(path: p, text: text))
        }
        return files
    }

    static func readFile(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// This machine's interfaces and addresses.
    public static func currentHost() -> HostFacts {
        var map: [String: [IPAddress]] = [:]
        for (name, address) in InterfaceResolver.hostAddresses() { map[name, default: []].append(address) }
        return HostFacts(interfaces: map)
    }
}
