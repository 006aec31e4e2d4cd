import KeyFile

/// Reads daemon options from one section of an rtpengine config file (GKeyFile format).
/// Keys are the options' long names; each is read with the GKeyFile getter of its type, so
/// a repeatable option's value is a `;` list and booleans accept `true`/`false`/`1`/`0`.
public struct ConfigFileReader {
    public let path: String
    private let keyFile: KeyFile

    public init(path: String) throws(ConfigError) {
        self.path = path
        do {
            keyFile = try KeyFile(path: path)
        } catch {
            throw .configFileUnreadable(path: path, reason: error.description)
        }
    }

    public func hasSection(_ section: String) -> Bool { keyFile.hasGroup(section) }

    /// The section's options, typed and checked. Keys that are not options, or that only the
    /// command line may set, are returned as warnings rather than silently dropped.
    public func read(section: String) throws(ConfigError) -> (values: [String: OptionValue], warnings: [String]) {
        var values: [String: OptionValue] = [:]
        var warnings: [String] = []
        for key in keyFile.keys(in: section) {
            guard let spec = OptionRegistry.spec(long: key) else {
                warnings.append("\(path): [\(section)] unknown key '\(key)' ignored")
                continue
            }
            if OptionRegistry.commandLineOnly.contains(key) {
                warnings.append("\(path): [\(section)] key '\(key)' only works on the command line; ignored")
                continue
            }
            let value = try typedValue(spec, section: section)
            try OptionValidation.check(spec, value, file: path)
            values[key] = value
        }
        return (values, warnings)
    }

    private func typedValue(_ spec: OptionSpec, section: String) throws(ConfigError) -> OptionValue {
        let key = spec.long
        do {
            switch spec.type {
            case .flag: return .flag(try keyFile.bool(group: section, key: key))
            case .string: return .string(try keyFile.string(group: section, key: key))
            case .int: return .int(try keyFile.int(group: section, key: key))
            case .double: return .double(try keyFile.double(group: section, key: key))
            case .stringList: return .stringList(try keyFile.stringList(group: section, key: key))
            case .intList: return .intList(try keyFile.intList(group: section, key: key))
            }
        } catch {
            let raw = keyFile.rawValue(group: section, key: key) ?? ""
            throw .badValue(option: key, value: raw, reason: Self.expectation(spec.type), file: path)
        }
    }

    private static func expectation(_ type: OptionType) -> String {
        switch type {
        case .flag: return "expected a boolean (true or false)"
        case .string, .stringList: return "not a valid string (check escapes)"
        case .int: return "not an integer"
        case .double: return "not a number"
        case .intList: return "expected a ';'-separated list of integers"
        }
    }
}
