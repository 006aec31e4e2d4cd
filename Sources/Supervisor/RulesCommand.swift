import Appliance
import Daemon

/// `rtpengine-supervisor rules --dry-run`: the rules `run` would put in place.
enum RulesCommand {
    static func dryRun(file: String, host: HostFacts = ConfigFiles.currentHost()) -> (status: Int32, output: String, error: String) {
        let checked: ConfigFiles.Checked
        do {
            checked = try ConfigFiles.check(file, host: host)
        } catch {
            return (2, "", "\(file): \(error.description)\n")
        }
        guard checked.errors.isEmpty else { return (1, "", checked.errors.map { $0.description + "\n" }.joined()) }
        let config = checked.config
        var byChain: [(chain: String, rules: [Firewall.Rule])] = []
        for instance in config.instances where Firewall.enabled(instance) {
            let chain = Firewall.chain(of: instance)
            let rules = Firewall.rules(for: instance, in: config, host: host)
            if let i = byChain.firstIndex(where: { $0.chain == chain }) { byChain[i].rules += rules } else { byChain.append((chain, rules)) }
        }
        let v4 = byChain.map { Firewall.save($0.rules, chain: $0.chain, v6: false) }.joined()
        let v6 = byChain.map { Firewall.save($0.rules, chain: $0.chain, v6: true) }.joined()
        if v4.isEmpty, v6.isEmpty { return (0, "# no instance has firewall = iptables (or a kernel table)\n", "") }
        return (0, "# iptables\n" + v4 + "# ip6tables\n" + v6, "")
    }
}
