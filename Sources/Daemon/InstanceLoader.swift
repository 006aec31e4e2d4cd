import Appliance
import Config

/// `--config-section=instance-NAME` (or `=NAME` when the file has `[instance-NAME]` and no
/// `[NAME]`): the daemon runs one instance of a declarative config
/// (interface profiles, instances, drop-ins). The whole config is checked with the same
/// validator as `rtpengine-supervisor check` and refused on any error.
enum InstanceLoader {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The instance's options and per-interface port ranges, or nil when the section is
    /// not an instance (the legacy single-section path applies).
    static func load(_ cli: CommandLineOptions) throws(Failure) -> (options: ResolvedOptions, ports: [String: InterfacePorts])? {
        guard case .string(var section)? = cli.values["config-section"] else { return nil }
        var path = ConfigLoader.defaultPath
        if case .string(let p)? = cli.values["config-file"] {
            guard p != "none" else {
                if section.hasPrefix(ApplianceConfig.instancePrefix) {
                    throw Failure(description: "--config-section=\(section) needs a config file")
                }
                return nil
            }
            path = p
        }
        let files: [ConfigText]
        do {
            files = try ConfigFiles.load(path)
        } catch {
            // An unreadable file is the legacy loader's to report, unless an instance was asked for.
            if section.hasPrefix(ApplianceConfig.instancePrefix) { throw Failure(description: "\(path): \(error.description)") }
            return nil
        }
        // `rtpengine@NAME`: a section NAME, else [instance-NAME].
        if !section.hasPrefix(ApplianceConfig.instancePrefix) {
            let sections = Set(files.flatMap { $0.sections.map(\.name) })
            guard !sections.contains(section), sections.contains(ApplianceConfig.instancePrefix + section) else { return nil }
            section = ApplianceConfig.instancePrefix + section
        }
        let checked = ConfigFiles.check(files: files)
        let config = checked.config
        let findings = checked.findings
        let errors = checked.errors
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
