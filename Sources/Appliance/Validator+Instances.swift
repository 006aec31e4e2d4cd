import Config
import NetAddress

/// An interface profile as checked: where its media sockets go.
struct Profile {
    var name: String
    var section: ApplianceConfig.Section
    var scopes: [Scope]
    var portMin: Located?
    var portMax: Located?
}

/// An instance as the cross-instance checks see it.
struct InstancePlan {
    struct Media {
        var scope: Scope
        var range: ClosedRange<Int>
        var at: Located?
        var what: String
    }

    struct Listener {
        var transport: String
        var key: String
        var scope: Scope
        var port: Int
        var at: Located
    }

    var instance: Instance
    var media: [Media] = []
    var listeners: [Listener] = []
    var table: (value: Int, at: Located?)
}

extension Validator {
    // MARK: interface profiles

    mutating func checkProfiles() -> [String: Profile] {
        var out: [String: Profile] = [:]
        for (name, s) in config.interfaceSections {
            var p = Profile(name: name, section: s, scopes: [], portMin: s["port-min"], portMax: s["port-max"])
            let here = (s.file, s.line)
            for key in s.keys where !Self.profileKeys.contains(key) {
                report(.error, s[key], fallback: here, section: s.name, key: key, "unknown interface key",
                       hint: didYouMean(key, Self.profileKeys).map { "did you mean '\($0)'?" }
                           ?? "interface keys: \(Self.profileKeys.joined(separator: ", "))")
            }
            if let at = s["address"] {
                p.scopes = resolve(at, section: s.name, key: "address")
            } else {
                report(.error, nil, fallback: here, section: s.name, key: nil, "interface without an address",
                       hint: "address = an IP address, a system interface name, or any")
            }
            if let at = s["advertised"], IPAddress(at.value) == nil {
                report(.error, at, fallback: here, section: s.name, key: "advertised", "'\(at.value)' is not an IP address",
                       hint: "advertised is the public address written into SDP, e.g. 203.0.113.10")
            }
            let low = port(s["port-min"], section: s.name, key: "port-min")
            let high = port(s["port-max"], section: s.name, key: "port-max")
            if let low, let high { checkRange(low, high, minAt: s["port-min"], section: s.name) }
            if let at = s["exclude-ports"] {
                for item in at.items where !item.isEmpty {
                    if Int(item).map({ (1...65535).contains($0) }) != true {
                        report(.error, at, fallback: here, section: s.name, key: "exclude-ports", "'\(item)' is not a port (1-65535)")
                    }
                }
            }
            for key in ["name", "alias"] {
                guard let at = s[key] else { continue }
                for n in at.items where !Self.isLogicalName(n) {
                    report(.error, at, fallback: here, section: s.name, key: key, "'\(n)' is not a logical interface name",
                           hint: "letters, digits, - _ . and at most one ':' (BASE:SUFFIX for round robin)")
                }
            }
            out[name] = p
        }
        return out
    }

    static func isLogicalName(_ n: String) -> Bool {
        !n.isEmpty && n.filter { $0 == ":" }.count <= 1 && !n.hasPrefix(":")
            && n.allSatisfy { $0.isLetter || $0.isNumber || "-_.:".contains($0) }
    }

    /// Where an address value puts sockets; reports what is wrong with it.
    mutating func resolve(_ at: Located, section: String, key: String) -> [Scope] {
        let value = at.value
        let here = (at.file, at.line)
        if value == "any" { return [.all] }
        if let ip = IPAddress(value) {
            if !ip.isUnspecified, !host.addresses.contains(ip) {
                report(strict ? .error : .warning, at, fallback: here, section: section, key: key,
                       "\(ip) is not an address of this host", hint: "fine when checking for another machine; --strict makes this an error")
            }
            return [Scope(ip)]
        }
        let nameOK = !value.isEmpty && value.count <= 15 && value.allSatisfy { $0.isLetter || $0.isNumber || "-_.@".contains($0) }
        guard nameOK else {
            report(.error, at, fallback: here, section: section, key: key, "'\(value)' is not an IP address, interface name or 'any'",
                   hint: "for example 192.0.2.10, eth0 or any")
            return []
        }
        if let addresses = host.interfaces[value] { return addresses.map(Scope.init) }
        report(strict ? .error : .warning, at, fallback: here, section: section, key: key,
               "no interface '\(value)' on this host",
               hint: didYouMean(value, Array(host.interfaces.keys)).map { "did you mean '\($0)'?" } ?? "ip -br addr lists them")
        return [.name(value)]
    }

    mutating func port(_ at: Located?, section: String, key: String) -> Int? {
        guard let at else { return nil }
        guard let p = Int(at.value), (1...65535).contains(p) else {
            report(.error, at, fallback: (at.file, at.line), section: section, key: key, "'\(at.value)' is not a port (1-65535)")
            return nil
        }
        return p
    }

    mutating func checkRange(_ low: Int, _ high: Int, minAt: Located?, section: String) {
        if low > high {
            report(.error, minAt, fallback: ("", 0), section: section, key: "port-min", "port-min \(low) is above port-max \(high)")
        } else if low + (low & 1) + 1 > high {
            report(.error, minAt, fallback: ("", 0), section: section, key: "port-min",
                   "\(low)-\(high) holds no RTP/RTCP pair (an even port and the next one)", hint: "widen the range")
        }
    }

    // MARK: instances

    mutating func plan(_ instance: Instance, profiles: [String: Profile]) -> InstancePlan {
        let here = instance.origin
        let sectionName = instance.sectionName
        func int(_ key: String, _ fallback: Int) -> Int { instance[key].flatMap { Int($0.value) } ?? fallback }
        let table = int("table", 0)
        var plan = InstancePlan(instance: instance, table: (table, instance["table"]))
        let defaultRange = (int("port-min", 30000), int("port-max", 40000))
        if instance.section?["port-min"] != nil || instance.section?["port-max"] != nil {
            checkRange(defaultRange.0, defaultRange.1, minAt: instance["port-min"] ?? instance["port-max"], section: sectionName)
        }
        if let names = instance["interfaces"] {
            for n in names.items where !n.isEmpty {
                guard let p = profiles[n] else {
                    report(.error, names, fallback: (here.file, here.line), section: instance.section?["interfaces"] != nil ? sectionName : ApplianceConfig.baseSection,
                           key: "interfaces", "no [\(config.interfacePrefix)-\(n)] section",
                           hint: didYouMean(n, Array(profiles.keys)).map { "did you mean '\($0)'?" } ?? "define [\(config.interfacePrefix)-\(n)] with an address")
                    continue
                }
                let low = p.portMin.flatMap { Int($0.value) } ?? defaultRange.0
                let high = p.portMax.flatMap { Int($0.value) } ?? defaultRange.1
                guard low <= high else { continue }
                for scope in p.scopes {
                    plan.media.append(.init(scope: scope, range: low...high, at: p.portMin ?? p.section["address"],
                                            what: "[\(p.section.name)]"))
                }
            }
        } else if let legacy = instance["interface"] {
            for value in legacy.items where !value.isEmpty {
                guard case .success(let spec) = InterfaceSpec.parse(value) else { continue }
                let scopes: [Scope]
                switch spec.address {
                case .any: scopes = [.all]
                case .ip(let ip): scopes = [Scope(ip)]
                case .systemInterface(let n): scopes = host.interfaces[n]?.map(Scope.init) ?? [.name(n)]
                }
                for scope in scopes {
                    plan.media.append(.init(scope: scope, range: defaultRange.0...max(defaultRange.0, defaultRange.1),
                                            at: legacy, what: "interface \(value)"))
                }
            }
        } else {
            report(.error, nil, fallback: here, section: sectionName, key: nil, "instance without interfaces",
                   hint: "interfaces = NAME;... naming [\(config.interfacePrefix)-NAME] sections, or interface = ADDRESS")
        }
        for (transport, keys) in [("UDP", Self.udpListeners), ("TCP", Self.tcpListeners)] {
            for key in keys {
                guard let at = instance[key] else { continue }
                for value in at.items where !value.isEmpty {
                    guard case .success(let l) = ListenAddress.parse(value) else { continue }
                    let scope: Scope
                    switch l.host {
                    case .any: scope = .all
                    case .ip(let ip): scope = Scope(ip)
                    case .hostname(let h): scope = .name(h)
                    }
                    plan.listeners.append(.init(transport: transport, key: key, scope: scope, port: Int(l.port), at: at))
                }
            }
        }
        if instance["listen-ng"] == nil, instance["listen-tcp-ng"] == nil {
            report(.warning, nil, fallback: here, section: sectionName, key: nil, "instance without an ng listener",
                   hint: "Kamailio cannot reach it: set listen-ng = ADDRESS:PORT")
        }
        return plan
    }

    mutating func crossCheck(_ plans: [InstancePlan]) {
        func name(_ p: InstancePlan) -> String { "[\(p.instance.sectionName)]" }
        // Kernel tables.
        if plans.count > 1 {
            var seen: [Int: InstancePlan] = [:]
            for p in plans where p.table.value >= 0 {
                if let other = seen[p.table.value] {
                    report(.error, p.table.at, fallback: p.instance.origin, section: p.instance.sectionName, key: "table",
                           "kernel table \(p.table.value) is also used by \(name(other))",
                           hint: "give each instance its own table (0-63), or -1 for none")
                } else {
                    seen[p.table.value] = p
                }
            }
        }
        // Listeners of one transport on one address and port, within and across instances.
        var listeners: [(InstancePlan, InstancePlan.Listener)] = []
        for p in plans {
            for l in p.listeners {
                if let (op, other) = listeners.first(where: { $0.1.transport == l.transport && $0.1.port == l.port && $0.1.scope.overlaps(l.scope) }) {
                    report(.error, l.at, fallback: p.instance.origin, section: p.instance.sectionName, key: l.key,
                           "\(l.transport) port \(l.port) on \(l.scope) is also taken by \(name(op)) \(other.key) (\(other.at.origin))",
                           hint: "each listener needs its own address:port")
                }
                listeners.append((p, l))
            }
        }
        // A UDP listener inside a media port range on the same address.
        for p in plans {
            for l in p.listeners where l.transport == "UDP" {
                for q in plans {
                    for m in q.media where m.range.contains(l.port) && m.scope.overlaps(l.scope) {
                        report(.error, l.at, fallback: p.instance.origin, section: p.instance.sectionName, key: l.key,
                               "UDP port \(l.port) is inside the media port range \(m.range.lowerBound)-\(m.range.upperBound) of \(name(q)) \(m.what)",
                               hint: "move the listener out of the range or the range away from it")
                    }
                }
            }
        }
        // Media port ranges of two instances overlapping on one address.
        for (i, p) in plans.enumerated() {
            for q in plans[..<i] {
                for m in p.media {
                    guard let clash = q.media.first(where: { $0.scope.overlaps(m.scope) && $0.range.overlaps(m.range) }) else { continue }
                    report(.error, m.at, fallback: p.instance.origin, section: p.instance.sectionName, key: m.at == nil ? nil : "port-min",
                           "media ports \(m.range.lowerBound)-\(m.range.upperBound) on \(m.scope) overlap \(name(q))'s \(clash.range.lowerBound)-\(clash.range.upperBound) (\(clash.what))",
                           hint: "give each instance its own port range on a shared address")
                    break
                }
            }
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(set) }
}
