import Appliance
import Config

/// `--config-section=instance-NAME`: the daemon runs one instance of a declarative config
/// (interface profiles, instances, drop-ins). The whole config is checked with the same
/// validator as `rtpengine-supervisor check` and refused on any error.
enum InstanceLoader {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The instance's options and per-interface port ranges, or nil when the section is
    /// not an instance (the legacy single-section path applies).
    static func load(_ cli: CommandLineOptions) throws(Failure) -> (options: ResolvedOptions, ports: [String: InterfacePorts])? {
        guard case .string(let section)? = cli.values["config-section"], section.hasPrefix(ApplianceConfig.instancePrefix) else {
            return nil
        }
        var path = ConfigLoader.defaultPath
        if case .string(let p)? = cli.values["config-file"] {
            guard p != "none" else { throw Failure(description: "--config-section=\(section) needs a config file") }
            path = p
        }
        let files: [ConfigText]
        do {
            files = try ConfigFiles.load(path)
        } catch {
            throw Failure(description: "\(path): \(error.description)")
        }
        let config = ApplianceConfig(files: files)
        let findings = Validator.check(config, host: ConfigFiles.currentHost())
        let errors = findings.filter { $0.severity == .error }
        guard errors.isEmpty else {
            throw Failure(description: "the configuration has errors:\n" + errors.map(\.description).joined(separator: "\n"))
        }
        guard let instance = config.instance(named: section) else {
            throw Failure(description: "\(path) has no [\(section)] section")
        }
        let settings = config.settings(for: instance)
        let options = ResolvedOptions(commandLine: cli, file: settings.values, filePath: path, section: section,
                                      warnings: findings.map(\.description))
        return (options, settings.ports)
    }
}
