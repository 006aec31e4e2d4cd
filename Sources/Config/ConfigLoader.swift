/// Combines the command line with the config file it names (or the default one), following
/// rtpengine: `--config-file=none` reads no file, an explicitly named file must exist, the
/// default file is read only when present, and the section is `rtpengine` unless
/// `--config-section` names another.
public enum ConfigLoader {
    public static let defaultPath = "/etc/rtpengine/rtpengine.conf"
    public static let defaultSection = "rtpengine"

    public static func load(
        arguments: [String], fileExists: (String) -> Bool
    ) throws(ConfigError) -> ResolvedOptions {
        try load(commandLine: CommandLineOptions.parse(arguments), fileExists: fileExists)
    }

    public static func load(
        commandLine cli: CommandLineOptions, fileExists: (String) -> Bool
    ) throws(ConfigError) -> ResolvedOptions {
        var warnings: [String] = []
        if !cli.trailing.isEmpty {
            warnings.append("ignoring arguments after '--': \(cli.trailing.joined(separator: " "))")
        }
        var section = defaultSection
        var sectionExplicit = false
        if case .string(let s)? = cli.values["config-section"] {
            section = s
            sectionExplicit = true
        }
        let path: String?
        switch cli.values["config-file"] {
        case .string("none")?:
            path = nil
        case .string(let p)?:
            guard fileExists(p) else { throw .configFileMissing(path: p) }
            path = p
        default:
            path = fileExists(defaultPath) ? defaultPath : nil
        }
        guard let path else {
            return ResolvedOptions(commandLine: cli, section: section, warnings: warnings)
        }
        let reader = try ConfigFileReader(path: path)
        guard reader.hasSection(section) else {
            if sectionExplicit { throw .sectionMissing(path: path, section: section) }
            warnings.append("\(path) has no [\(section)] section; using command-line options only")
            return ResolvedOptions(commandLine: cli, filePath: path, section: section, warnings: warnings)
        }
        let (values, fileWarnings) = try reader.read(section: section)
        return ResolvedOptions(
            commandLine: cli, file: values, filePath: path, section: section,
            warnings: warnings + fileWarnings)
    }
}
