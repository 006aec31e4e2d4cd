import Appliance
import CFirewall
import Config
import NetAddress

/// The firewall rules of the instances with a kernel table: per address of their
/// interfaces, UDP to their port range goes to the `RTPENGINE` target with the instance's
/// table, from a chain jumped to from INPUT. Each rule carries a comment naming its
/// instance, so the supervisor only ever removes what it added.
struct Firewall {
    struct Rule: Equatable {
        var address: IPAddress?
        var portMin: Int
        var portMax: Int
        var instance: String
        var target: String
        var table: Int
    }

    static let jumpComment = "rtpengine-supervisor"
    static func comment(_ instance: String) -> String { "rtpengine-supervisor:\(instance)" }

    let chain: String

    /// `firewall = iptables` turns management on (default `none`); `firewall-chain` names
    /// the chain (default `rtpengine`). `firewall-target` is for tests only: a stock target
    /// in place of `RTPENGINE`, whose kernel module may be missing.
    static func enabled(_ instance: Instance) -> Bool { instance["firewall"]?.value == "iptables" }

    static func chain(of instance: Instance) -> String { instance["firewall-chain"]?.value ?? "rtpengine" }

    static func rules(for instance: Instance, in config: ApplianceConfig, host: HostFacts) -> [Rule] {
        let table = instance["table"].flatMap { Int($0.value) } ?? 0
        guard table >= 0 else { return [] }
        let target = instance["firewall-target"]?.value ?? "RTPENGINE"
        let settings = config.settings(for: instance)
        var out: [Rule] = []
        let specs: [String]
        if case .stringList(let list)? = settings.values["interface"] { specs = list } else { specs = [] }
        let low = instance["port-min"].flatMap { Int($0.value) } ?? 30000
        let high = instance["port-max"].flatMap { Int($0.value) } ?? 40000
        for text in specs {
            guard case .success(let spec) = InterfaceSpec.parse(text) else { continue }
            let range = settings.ports[spec.name]?.range ?? low...high
            let addresses: [IPAddress?]
            switch spec.address {
            case .any: addresses = [nil]
            case .ip(let ip): addresses = [ip]
            case .systemInterface(let name): addresses = host.interfaces[name] ?? []
            }
            for a in addresses {
                let rule = Rule(address: a, portMin: range.lowerBound, portMax: range.upperBound, instance: instance.name,
                                target: target, table: table)
                if !out.contains(rule) { out.append(rule) }
            }
        }
        return out
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Puts `rules` in place for `instance` (replacing its earlier ones), both families.
    func apply(_ rules: [Rule], instance: String) throws(Failure) {
        for v6 in [false, true] {
            let mine = rules.filter { rule in rule.address.map { ($0.family == .inet6) == v6 } ?? true }
            guard !mine.isEmpty else { continue }
            try call(v6: v6) { err, length in
                let texts = mine.map { ($0.address?.description, Self.comment(instance), $0.target) }
                let c = texts.map { (a, cm, t) in (a.map { strdupSwift($0) }, strdupSwift(cm), strdupSwift(t)) }
                defer { for (a, cm, t) in c { a?.deallocate(); cm.deallocate(); t.deallocate() } }
                var cRules = zip(mine, c).map { rule, s in
                    fw_rule(address: s.0.map { UnsafePointer($0) }, port_min: Int32(rule.portMin), port_max: Int32(rule.portMax),
                            comment: UnsafePointer(s.1), target: UnsafePointer(s.2), table_id: UInt32(rule.table))
                }
                return v6 ? fw6_set(chain, Self.jumpComment, &cRules, Int32(cRules.count), err, length)
                          : fw4_set(chain, Self.jumpComment, &cRules, Int32(cRules.count), err, length)
            }
        }
    }

    /// Removes `instance`'s rules, and the chain and jump once nothing else is in the chain.
    func clear(instance: String) throws(Failure) {
        for v6 in [false, true] {
            try call(v6: v6) { err, length in
                v6 ? fw6_clear(chain, Self.jumpComment, Self.comment(instance), err, length)
                   : fw4_clear(chain, Self.jumpComment, Self.comment(instance), err, length)
            }
        }
    }

    private func call(v6: Bool, _ body: (UnsafeMutablePointer<CChar>, Int32) -> Int32) throws(Failure) {
        var buffer = [CChar](repeating: 0, count: 256)
        let rc = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, Int32($0.count)) }
        if rc != 0 {
            let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw Failure(description: "\(v6 ? "ip6tables" : "iptables"): \(message)")
        }
    }

    /// The rules as `iptables-save` would print them (for `rules --dry-run`).
    static func save(_ rules: [Rule], chain: String, v6: Bool) -> String {
        let mine = rules.filter { rule in rule.address.map { ($0.family == .inet6) == v6 } ?? true }
        guard !mine.isEmpty else { return "" }
        var out = "*filter\n:\(chain) - [0:0]\n-A INPUT -m comment --comment \"\(jumpComment)\" -j \(chain)\n"
        for r in mine {
            let destination = r.address.map { " -d \($0)/\(v6 ? 128 : 32)" } ?? ""
            let target = r.target == "RTPENGINE" ? "RTPENGINE --id \(r.table)" : r.target
            out += "-A \(chain)\(destination) -p udp -m udp --dport \(r.portMin):\(r.portMax) -m comment --comment \"\(comment(r.instance))\" -j \(target)\n"
        }
        return out + "COMMIT\n"
    }
}

/// A C string copy the caller deallocates.
func strdupSwift(_ s: String) -> UnsafeMutablePointer<CChar> {
    let bytes = Array(s.utf8CString)
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    p.initialize(from: bytes, count: bytes.count)
    return p
}
