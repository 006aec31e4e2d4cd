/// The kind of value a daemon option takes, which decides how the command line and the
/// config file read it (GKeyFile's typed getters for the file).
public enum OptionType: Sendable, Equatable {
    /// A switch without an argument (`-f`); `true`/`false` in the config file.
    case flag
    case string
    case int
    case double
    /// Repeatable: every occurrence on the command line adds one item; a `;` list in the file.
    case stringList
    /// Repeatable integers (`--dtx-cn-params`); a `;` list of integers in the file.
    case intList

    public var isRepeatable: Bool { self == .stringList || self == .intList }
}

/// What a value must look like beyond its type. Checked for command-line and file values alike.
public enum OptionCheck: Sendable, Equatable {
    case none
    case intRange(ClosedRange<Int>)
    case doubleRange(ClosedRange<Double>)
    /// One of these words (case-sensitive, as rtpengine compares them).
    case oneOf([String])
    /// `[NAME/]ADDR[!ADVERTISED]`, see `InterfaceSpec`.
    case interface
    /// `[IP46|HOSTNAME:]PORT`, see `ListenAddress`.
    case listenAddress
    /// `IP46|HOSTNAME:PORT` with a mandatory host.
    case hostPort
}

/// Whether the feature behind an option exists in this build. An option that is accepted
/// but not yet in effect is reported once at start-up, never silently ignored.
public enum Availability: Sendable, Equatable {
    case built
    /// Names the missing feature in words an operator understands.
    case notBuilt(String)
}

/// A typed option value, as parsed from the command line or the config file.
public enum OptionValue: Sendable, Equatable, CustomStringConvertible {
    case flag(Bool)
    case string(String)
    case int(Int)
    case double(Double)
    case stringList([String])
    case intList([Int])

    public var description: String {
        switch self {
        case .flag(let b): return b ? "true" : "false"
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .stringList(let l): return l.joined(separator: ";")
        case .intList(let l): return l.map(String.init).joined(separator: ";")
        }
    }
}

/// One row of the option registry: everything the command line, the config file, `--help`,
/// the man page and the validator need to know about a daemon option.
public struct OptionSpec: Sendable {
    public let long: String
    public let short: Character?
    public let type: OptionType
    /// Placeholder shown in `--help` and the man page (`FILE`, `[NAME/]IP[!IP]`).
    public let argName: String?
    public let defaultValue: OptionValue?
    public let help: String
    public let check: OptionCheck
    public let availability: Availability

    public init(
        _ long: String, short: Character? = nil, _ type: OptionType, arg: String? = nil,
        default defaultValue: OptionValue? = nil, check: OptionCheck = .none,
        _ availability: Availability = .built, help: String
    ) {
        self.long = long
        self.short = short
        self.type = type
        self.argName = arg
        self.defaultValue = defaultValue
        self.help = help
        self.check = check
        self.availability = availability
    }

    /// The argument placeholder, falling back to the type's name.
    public var displayArg: String? {
        if let argName { return argName }
        switch type {
        case .flag: return nil
        case .string, .stringList: return "STRING"
        case .int, .intList: return "INT"
        case .double: return "FLOAT"
        }
    }
}
