/// `check --explain`: every instance's effective settings, each with the file:line it
/// came from, interface profiles expanded.
public enum Explain {
    public static func render(_ config: ApplianceConfig) -> String {
        var out = ""
        let profiles = Dictionary(config.interfaceSections.map { ($0.name, $0.section) }, uniquingKeysWith: { a, _ in a })
        for instance in config.instances {
            out += "[\(instance.sectionName)]\n"
            for key in instance.keys {
                guard let at = instance[key] else { continue }
                out += "  \(key) = \(at.value)    # \(at.origin)\n"
                guard key == "interfaces" else { continue }
                for name in at.items {
                    guard let p = profiles[name] else { continue }
                    for k in p.keys {
                        guard let v = p[k] else { continue }
                        out += "    \(name).\(k) = \(v.value)    # \(v.origin)\n"
                    }
                }
            }
        }
        return out
    }
}
