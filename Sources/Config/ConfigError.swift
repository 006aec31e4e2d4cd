/// Why the daemon's configuration cannot be used. Every case names what the operator must
/// fix: the option, the bad value and, for the config file, the file.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    case unknownOption(String)
    case missingArgument(option: String)
    case unexpectedArgument(option: String, value: String)
    case badValue(option: String, value: String, reason: String, file: String?)
    case configFileMissing(path: String)
    case configFileUnreadable(path: String, reason: String)
    case sectionMissing(path: String, section: String)
    case unexpectedPositional(String)
    case inconsistent(String)

    public var description: String {
        switch self {
        case .unknownOption(let o):
            return "Unknown option \(o)"
        case .missingArgument(let o):
            return "Missing argument for --\(o)"
        case .unexpectedArgument(let o, let v):
            return "Option --\(o) takes no argument (got '\(v)')"
        case .badValue(let o, let v, let r, let file):
            let origin = file.map { "\($0): key '\(o)'" } ?? "--\(o)"
            return "\(origin): invalid value '\(v)': \(r)"
        case .configFileMissing(let p):
            return "Config file \(p) does not exist"
        case .configFileUnreadable(let p, let r):
            return "Failed to load config file \(p): \(r)"
        case .sectionMissing(let p, let s):
            return "Config file \(p) has no section [\(s)]"
        case .unexpectedPositional(let a):
            return "Unexpected argument '\(a)' (rtpengine takes options only)"
        case .inconsistent(let m):
            return m
        }
    }
}
