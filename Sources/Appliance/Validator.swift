import Config
import NetAddress

/// Checks a declarative config offline: every file's syntax, every key and value, the
/// interface profiles, and the instances against each other (ports, tables, listeners).
/// Pure: the config and the host's facts in, diagnostics out.
public struct Validator {
    public let config: ApplianceConfig
    public let host: HostFacts
    /// `--strict`: what would only be a warning (an address not on this host) is an error.
    public let strict: Bool
    private(set) var diagnostics: [Diagnostic] = []

    static let profileKeys = ["address", "advertised", "port-min", "port-max", "exclude-ports", "name", "alias"]
    static let udpListeners = ["listen-ng", "listen-udp"]
    static let tcpListeners = ["listen-tcp-ng", "listen-cli", "listen-http", "listen-https"]

    public init(config: ApplianceConfig, host: HostFacts, strict: Bool = false) {
        self.config = config
        self.host = host
        self.strict = strict
    }

    /// Runs every check; errors first in file order, then warnings.
    public static func check(_ config: ApplianceConfig, host: HostFacts, strict: Bool = false) -> [Diagnostic] {
        var v = Validator(config: config, host: host, strict: strict)
        v.run()
        return v.diagnostics
    }

    mutating func report(_ severity: Diagnostic.Severity, _ at: Located?, fallback: (String, Int), section: String?,
                         key: String?, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(severity, at?.file ?? fallback.0, at?.line ?? fallback.1, section: section, key: key,
                                      message, hint: hint))
    }

    mutating func run() {
        for file in config.files {
            for e in file.syntaxErrors {
                diagnostics.append(Diagnostic(.error, file.path, e.line, e.message, hint: "use key = value lines under [section] headers; # starts a comment"))
            }
        }
        guard let first = config.files.first else { return }
        if config.base == nil && config.instances.isEmpty {
            diagnostics.append(Diagnostic(.error, first.path, 1, "no [rtpengine] section and no [instance-NAME] sections",
                                          hint: "put the daemon options under [rtpengine]"))
            return
        }
        if let base = config.base {
            checkOptions(base)
            if let low = base["port-min"].flatMap({ Int($0.value) }), let high = base["port-max"].flatMap({ Int($0.value) }) {
                checkRange(low, high, minAt: base["port-min"], section: base.name)
            }
        }
        let profiles = checkProfiles()
        for s in config.sections where s.name != ApplianceConfig.baseSection
            && !s.name.hasPrefix(ApplianceConfig.instancePrefix) && !s.name.hasPrefix(config.interfacePrefix + "-") {
            report(.warning, nil, fallback: (s.file, s.line), section: s.name, key: nil,
                   "section is not used by the supervisor or the default daemon instance",
                   hint: "instances are [instance-NAME], interfaces [\(config.interfacePrefix)-NAME]")
        }
        var plans: [InstancePlan] = []
        for instance in config.instances {
            if let own = instance.section { checkOptions(own) }
            plans.append(plan(instance, profiles: profiles))
        }
        crossCheck(plans)
        diagnostics.sort { a, b in
            if a.severity != b.severity { return a.severity == .error }
            if a.file != b.file { return a.file < b.file }
            return a.line < b.line
        }
    }

    // MARK: options

    /// Every key of a daemon section: a known option with a value the daemon takes.
    mutating func checkOptions(_ s: ApplianceConfig.Section) {
        for key in s.keys {
            guard let at = s[key] else { continue }
            if Instance.supervisorKeys.contains(key) {
                if key == "firewall", !["iptables", "none"].contains(at.value) {
                    report(.error, at, fallback: (s.file, s.line), section: s.name, key: key,
                           "'\(at.value)' is not a firewall mode", hint: "firewall = iptables or firewall = none")
                }
                continue
            }
            if let problem = ConfigValueCheck.problem(key: key, value: at.value) {
                if problem == "unknown option" {
                    // rtpengine ignores keys it does not know in its own section, so a file
                    // written for another version still runs: there a warning (an error with
                    // --strict). Instance sections are new, with nothing to stay compatible with.
                    let lenient = s.name == ApplianceConfig.baseSection && !strict
                    let suggestion = didYouMean(key, ConfigValueCheck.optionNames + Array(Instance.supervisorKeys))
                    report(lenient ? .warning : .error, at, fallback: (s.file, s.line), section: s.name, key: key, "unknown key",
                           hint: suggestion.map { "did you mean '\($0)'?" } ?? "see rtpengine(8) for the options")
                } else {
                    report(.error, at, fallback: (s.file, s.line), section: s.name, key: key, "'\(at.value)': \(problem)")
                }
            }
        }
    }
}
