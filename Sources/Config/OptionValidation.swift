/// Converts option text to typed values and applies each option's `OptionCheck`.
/// Shared by the command line and the config file so both accept exactly the same values.
enum OptionValidation {
    /// Converts one occurrence of an option's argument (command-line text).
    static func convert(_ spec: OptionSpec, _ raw: String) throws(ConfigError) -> OptionValue {
        func bad(_ reason: String) -> ConfigError {
            .badValue(option: spec.long, value: raw, reason: reason, file: nil)
        }
        switch spec.type {
        case .flag:
            return .flag(true)
        case .string:
            return .string(raw)
        case .stringList:
            return .stringList([raw])
        case .int:
            guard let i = parseInt(raw) else { throw bad("not an integer") }
            return .int(i)
        case .double:
            guard let d = Double(raw.trimmingSpaces), d.isFinite else { throw bad("not a number") }
            return .double(d)
        case .intList:
            let items = raw.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" })
            var ints: [Int] = []
            for item in items {
                guard let i = parseInt(String(item)) else { throw bad("'\(item)' is not an integer") }
                ints.append(i)
            }
            if ints.isEmpty { throw bad("expected one or more integers") }
            return .intList(ints)
        }
    }

    /// Checks a typed value against the option's constraint; `file` names where it came from.
    static func check(_ spec: OptionSpec, _ value: OptionValue, file: String?) throws(ConfigError) {
        func bad(_ shown: String, _ reason: String) -> ConfigError {
            .badValue(option: spec.long, value: shown, reason: reason, file: file)
        }
        switch (spec.check, value) {
        case (.none, _):
            return
        case (.intRange(let r), .int(let i)):
            if !r.contains(i) { throw bad(String(i), "must be between \(r.lowerBound) and \(r.upperBound)") }
        case (.intRange(let r), .intList(let l)):
            for i in l where !r.contains(i) {
                throw bad(String(i), "must be between \(r.lowerBound) and \(r.upperBound)")
            }
        case (.doubleRange(let r), .double(let d)):
            if !r.contains(d) { throw bad(String(d), "must be between \(r.lowerBound) and \(r.upperBound)") }
        case (.oneOf(let words), .string(let s)):
            if !words.contains(s) { throw bad(s, "must be one of: \(words.joined(separator: ", "))") }
        case (.interface, _):
            for s in strings(value) {
                if case .failure(let e) = InterfaceSpec.parse(s) { throw bad(s, e.description) }
            }
        case (.listenAddress, _), (.hostPort, _):
            for s in strings(value) {
                if case .failure(let e) = ListenAddress.parse(s, requireHost: spec.check == .hostPort) {
                    throw bad(s, e.description)
                }
            }
        default:
            // A constraint that does not apply to this value type is a registry defect.
            preconditionFailure("option \(spec.long): check \(spec.check) does not fit value \(value)")
        }
    }

    /// Decimal integers as GLib's option parser reads them: optional sign, surrounding spaces.
    static func parseInt(_ raw: String) -> Int? {
        Int(raw.trimmingSpaces)
    }

    private static func strings(_ value: OptionValue) -> [String] {
        switch value {
        case .string(let s): return [s]
        case .stringList(let l): return l
        default: return []
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    public var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
