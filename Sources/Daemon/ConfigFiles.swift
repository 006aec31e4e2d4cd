import Appliance
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
