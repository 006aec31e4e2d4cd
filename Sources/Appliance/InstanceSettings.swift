import Config

/// One interface profile's port range, as the daemon allocates from it.
public struct InterfacePorts: Sendable, Equatable {
    public var range: ClosedRange<Int>
    public var excluded: Set<Int>
}

/// What one instance runs with: its effective daemon options ([rtpengine] under its own
/// section, drop-ins applied), with `interfaces = NAME;...` turned into `interface` values
/// and a port range per logical interface.
public struct InstanceSettings: Sendable {
    public var values: [String: OptionValue] = [:]
    public var ports: [String: InterfacePorts] = [:]
}

extension ApplianceConfig {
    /// The instance named `name` (`a` or `instance-a`), or nil.
    public func instance(named name: String) -> Instance? {
        instances.first { $0.name == name || $0.sectionName == name }
    }

    /// The settings of an instance; assumes the config passed `Validator.check`.
    public func settings(for instance: Instance) -> InstanceSettings {
        var out = InstanceSettings()
        for key in instance.keys where !Instance.supervisorKeys.contains(key) {
            if let at = instance[key], let value = ConfigValueCheck.typed(key: key, value: at.value) { out.values[key] = value }
        }
        guard let names = instance["interfaces"] else { return out }
        let profiles = Dictionary(interfaceSections.map { ($0.name, $0.section) }, uniquingKeysWith: { a, _ in a })
        let defaultLow = instance["port-min"].flatMap { Int($0.value) } ?? 30000
        let defaultHigh = instance["port-max"].flatMap { Int($0.value) } ?? 40000
        var specs: [String] = []
        for name in names.items where !name.isEmpty {
            guard let p = profiles[name], let address = p["address"]?.value else { continue }
            let logical = p["name"]?.value ?? name
            let advertised = p["advertised"].map { "!" + $0.value } ?? ""
            let aliases = p["alias"]?.items ?? []
            let ports = InterfacePorts(
                range: (p["port-min"].flatMap { Int($0.value) } ?? defaultLow)...(p["port-max"].flatMap { Int($0.value) } ?? defaultHigh),
                excluded: Set(p["exclude-ports"]?.items.compactMap { Int($0) } ?? []))
            for n in [logical] + aliases where !n.isEmpty {
                specs.append("\(n)/\(address)\(advertised)")
                out.ports[n] = ports
            }
        }
        out.values["interface"] = .stringList(specs)
        return out
    }
}
