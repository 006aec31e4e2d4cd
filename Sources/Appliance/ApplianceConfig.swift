/// A value and where it was set.
public struct Located: Sendable, Equatable {
    public var value: String
    public var file: String
    public var line: Int

    public var origin: String { "\(file):\(line)" }

    /// A `;` list's items without surrounding blanks (empty items kept).
    public var items: [String] { value.split(separator: ";").map { $0.trimmingCharacters(in: " ") } }
}

/// The declarative config after drop-ins: the main file, then `conf.d/*.conf` beside it in
/// lexical order, later keys overriding earlier ones section by section.
public struct ApplianceConfig: Sendable {
    public struct Section: Sendable {
        public var name: String
        /// Where the section was first declared.
        public var file: String
        public var line: Int
        public var values: [String: Located] = [:]
        /// Keys in the order they were first set.
        public var keys: [String] = []

        public subscript(key: String) -> Located? { values[key] }
    }

    public static let baseSection = "rtpengine"
    public static let instancePrefix = "instance-"
    public static let defaultInterfacePrefix = "interface"

    public private(set) var files: [ConfigText]
    public private(set) var sections: [Section] = []

    public init(files: [ConfigText]) {
        self.files = files
        for file in files {
            for s in file.sections {
                var merged = sections.first { $0.name == s.name } ?? Section(name: s.name, file: file.path, line: s.line)
                for e in s.entries {
                    if merged.values[e.key] == nil { merged.keys.append(e.key) }
                    merged.values[e.key] = Located(value: e.value, file: file.path, line: e.line)
                }
                if let i = sections.firstIndex(where: { $0.name == s.name }) { sections[i] = merged } else { sections.append(merged) }
            }
        }
    }

    public func section(_ name: String) -> Section? { sections.first { $0.name == name } }

    public var base: Section? { section(Self.baseSection) }

    /// `interfaces-config` in [rtpengine] names the prefix of interface sections.
    public var interfacePrefix: String { (base?["interfaces-config"]?.value).map { $0.isEmpty ? Self.defaultInterfacePrefix : $0 } ?? Self.defaultInterfacePrefix }

    /// Interface profiles by name (the part after `PREFIX-`).
    public var interfaceSections: [(name: String, section: Section)] {
        sections.compactMap { s in s.name.hasPrefix(interfacePrefix + "-") ? (String(s.name.dropFirst(interfacePrefix.count + 1)), s) : nil }
    }

    /// Instances by name. A file without `[instance-NAME]` sections is one instance, named
    /// after its base section (a legacy single-section rtpengine.conf).
    public var instances: [Instance] {
        let declared = sections.filter { $0.name.hasPrefix(Self.instancePrefix) }
        if declared.isEmpty {
            guard let base else { return [] }
            return [Instance(name: Self.baseSection, section: nil, base: base)]
        }
        return declared.map { Instance(name: String($0.name.dropFirst(Self.instancePrefix.count)), section: $0, base: base) }
    }
}

/// One daemon instance: its own section over the shared [rtpengine] defaults.
public struct Instance: Sendable {
    public var name: String
    public var section: ApplianceConfig.Section?
    public var base: ApplianceConfig.Section?

    /// Keys only the supervisor reads; everything else is a daemon option.
    /// `firewall-target` is for tests only (a stock target in place of RTPENGINE).
    public static let supervisorKeys: Set<String> = ["interfaces", "firewall", "firewall-chain", "firewall-target", "interfaces-config"]

    /// The effective value of `key`: the instance's own, else [rtpengine]'s.
    public subscript(key: String) -> Located? { section?[key] ?? base?[key] }

    /// Every effective key, base keys first, in file order.
    public var keys: [String] {
        var out = base?.keys ?? []
        for k in section?.keys ?? [] where !out.contains(k) { out.append(k) }
        return out
    }

    /// Where the instance is declared (its section, or [rtpengine] for a legacy file).
    public var origin: (file: String, line: Int) {
        let s = section ?? base
        return (s?.file ?? "", s?.line ?? 0)
    }

    public var sectionName: String { section?.name ?? ApplianceConfig.baseSection }
}
