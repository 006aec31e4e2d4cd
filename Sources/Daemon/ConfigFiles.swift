import Appliance
import Config
import KeyFile
import NetAddress
#if canImport(Glibc)
import Glibc
#endif

/// Reads a declarative config from disk: the main file, then `conf.d/*.conf` in the main
/// file's folder, in lexical order (later keys override earlier ones).
public enum ConfigFiles {
    public struct LoadError: Error, CustomStringConvertible { public let description: String }

    public static func load(_ path: String) throws(LoadError) -> [ConfigText] {
        guard let main = read(path) else { throw LoadError(description: "cannot read: \(String(cString: strerror(errno)))") }
        var files = [ConfigText(path: path, text: main)]
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let dropins = folder + "/conf.d"
        for name in list(dropins).filter({ $0.hasSuffix(".conf") }).sorted() {
            let p = dropins + "/" + name
            guard let text = read(p) else { throw LoadError(description: "cannot read drop-in \(p)") }
            files.append(ConfigText(path: p, text: text))
        }
        return files
    }

    /// A config as loaded and checked: what `check`, `run`, `rules` and the daemon's
    /// instance start-up all go by.
    public struct Checked: Sendable {
        public let config: ApplianceConfig
        public let findings: [Diagnostic]
        public var errors: [Diagnostic] { findings.filter { $0.severity == .error } }
    }

    /// Loads `path` and its drop-ins and checks them. GKeyFile (the parser the daemon's
    /// legacy path uses) must accept each file too: one it refuses is an error even where
    /// the line scanner saw nothing.
    ///
    /// A file the validator passes is then planned as the daemon plans its start-up
    /// (`StartupPlan`), once per instance, against `host`: what would stop the daemon is an
    /// error here too, so `check` and the daemon agree by construction.
    public static func check(_ path: String, host: HostFacts = currentHost(), strict: Bool = false) throws(LoadError) -> Checked {
        let checked = check(files: try load(path), host: host, strict: strict)
        guard checked.errors.isEmpty else { return checked }
        var findings = checked.findings
        let addresses = host.interfaces.flatMap { name, list in list.map { (interface: name, address: $0) } }
        for instance in checked.config.instances {
            var arguments = ["--config-file=\(path)"]
            if let section = instance.section { arguments.append("--config-section=\(section.name)") }
            do {
                _ = try StartupPlan.make(try CommandLineOptions.parse(arguments), hostAddresses: addresses)
            } catch {
                let (file, line) = instance.section.map { ($0.file, $0.line) } ?? instance.base.map { ($0.file, $0.line) } ?? (path, 1)
                findings.insert(Diagnostic(.error, file, line, section: instance.sectionName, key: nil,
                                           "the daemon would not start: \(error)",
                                           hint: "rtpengine refuses this instance on this host"), at: 0)
            }
        }
        return Checked(config: checked.config, findings: findings)
    }

    /// Checks files already loaded (see `check(_:host:strict:)`).
    public static func check(files: [ConfigText], host: HostFacts = currentHost(), strict: Bool = false) -> Checked {
        let config = ApplianceConfig(files: files)
        var findings = Validator.check(config, host: host, strict: strict)
        for f in files where f.syntaxErrors.isEmpty {
            do {
                _ = try KeyFile(path: f.path)
            } catch {
                findings.insert(Diagnostic(.error, f.path, 1, "GKeyFile refuses the file: \(error.description)"), at: 0)
            }
        }
        return Checked(config: config, findings: findings)
    }

    static func read(_ path: String) -> String? {
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

    static func list(_ path: String) -> [String] {
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

    /// This machine's interfaces and their addresses, for validation.
    public static func currentHost() -> HostFacts {
        var map: [String: [IPAddress]] = [:]
        for (name, address) in InterfaceResolver.hostAddresses() { map[name, default: []].append(address) }
        return HostFacts(interfaces: map)
    }
}
