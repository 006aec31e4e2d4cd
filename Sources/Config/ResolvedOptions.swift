/// Where an option's effective value came from.
public enum OptionOrigin: Sendable, Equatable {
    case commandLine
    case configFile(String)
}

/// The effective daemon options: command line over config file over registry defaults.
public struct ResolvedOptions: Sendable {
    /// Options set explicitly, by long name.
    public private(set) var explicit: [String: OptionValue]
    public private(set) var origins: [String: OptionOrigin]
    /// Non-fatal findings (unknown file keys, ignored arguments) to log at start-up.
    public var warnings: [String]
    /// The config file that was read, if any.
    public let configFile: String?
    public let section: String

    public init(
        commandLine: CommandLineOptions, file: [String: OptionValue] = [:], filePath: String? = nil,
        section: String = ConfigLoader.defaultSection, warnings: [String] = []
    ) {
        explicit = file
        origins = [:]
        if let filePath { for key in file.keys { origins[key] = .configFile(filePath) } }
        // The command line overrides the file, lists included (as rtpengine does).
        for (key, value) in commandLine.values {
            explicit[key] = value
            origins[key] = .commandLine
        }
        self.warnings = warnings
        self.configFile = filePath
        self.section = section
    }

    public func value(_ long: String) -> OptionValue? {
        explicit[long] ?? OptionRegistry.spec(long: long)?.defaultValue
    }

    public func isSet(_ long: String) -> Bool { explicit[long] != nil }

    public func int(_ long: String) -> Int? {
        if case .int(let i)? = value(long) { return i }
        return nil
    }

    public func double(_ long: String) -> Double? {
        if case .double(let d)? = value(long) { return d }
        return nil
    }

    public func string(_ long: String) -> String? {
        if case .string(let s)? = value(long) { return s }
        return nil
    }

    public func flag(_ long: String) -> Bool {
        if case .flag(let b)? = value(long) { return b }
        return false
    }

    public func strings(_ long: String) -> [String] {
        switch value(long) {
        case .stringList(let l)?: return l
        case .string(let s)?: return [s]
        default: return []
        }
    }

    /// Options set explicitly whose feature this build lacks, with the missing feature,
    /// in registry order: the daemon reports each once at start-up.
    public var notBuiltOptions: [(spec: OptionSpec, value: OptionValue, feature: String)] {
        OptionRegistry.all.compactMap { spec in
            guard case .notBuilt(let feature) = spec.availability, let v = explicit[spec.long] else { return nil }
            if case .flag(false) = v { return nil }
            return (spec, v, feature)
        }
    }
}
