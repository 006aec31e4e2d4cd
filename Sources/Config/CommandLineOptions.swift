/// GNU-style command-line parsing driven by the option registry.
///
/// Accepts `-t -1`, `-t-1`, `--table=-1`, `--table -1`, bundled flags (`-fE`), repeated
/// options (lists accumulate, scalars keep the last value, as GLib does) and `--` to end
/// options. A value that looks like a negative number is a value, never an option.
public struct CommandLineOptions: Sendable, Equatable {
    /// Options given explicitly, keyed by long name.
    public var values: [String: OptionValue] = [:]
    /// Arguments after `--`, which the daemon does not use.
    public var trailing: [String] = []

    public init(values: [String: OptionValue] = [:], trailing: [String] = []) {
        self.values = values
        self.trailing = trailing
    }

    /// Parses `arguments` (without the program name).
    public static func parse(_ arguments: [String]) throws(ConfigError) -> CommandLineOptions {
        var result = CommandLineOptions()
        var i = 0
        func nextArgument(for spec: OptionSpec) throws(ConfigError) -> String {
            guard i < arguments.count else { throw .missingArgument(option: spec.long) }
            defer { i += 1 }
            return arguments[i]
        }
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if arg == "--" {
                result.trailing = Array(arguments[i...])
                break
            }
            if arg.hasPrefix("--") {
                let body = arg.dropFirst(2)
                let name: String
                var inline: String?
                if let eq = body.firstIndex(of: "=") {
                    name = String(body[..<eq])
                    inline = String(body[body.index(after: eq)...])
                } else {
                    name = String(body)
                }
                guard let spec = OptionRegistry.spec(long: name) else { throw .unknownOption("--\(name)") }
                if spec.type == .flag {
                    if let inline { throw .unexpectedArgument(option: spec.long, value: inline) }
                    try result.set(spec, "")
                } else {
                    let value: String
                    if let inline { value = inline } else { value = try nextArgument(for: spec) }
                    try result.set(spec, value)
                }
            } else if arg.hasPrefix("-"), arg.count > 1 {
                var letters = Substring(arg.dropFirst())
                while let letter = letters.first {
                    letters = letters.dropFirst()
                    guard let spec = OptionRegistry.spec(short: letter) else { throw .unknownOption("-\(letter)") }
                    if spec.type == .flag {
                        try result.set(spec, "")
                        continue
                    }
                    let value: String
                    if letters.isEmpty { value = try nextArgument(for: spec) } else { value = String(letters) }
                    try result.set(spec, value)
                    break
                }
            } else {
                throw .unexpectedPositional(arg)
            }
        }
        return result
    }

    private mutating func set(_ spec: OptionSpec, _ raw: String) throws(ConfigError) {
        let value = try OptionValidation.convert(spec, raw)
        try OptionValidation.check(spec, value, file: nil)
        switch (values[spec.long], value) {
        case (.stringList(let old)?, .stringList(let new)): values[spec.long] = .stringList(old + new)
        case (.intList(let old)?, .intList(let new)): values[spec.long] = .intList(old + new)
        default: values[spec.long] = value
        }
    }
}
