/// Checks config-file text for one daemon option the way the daemon reads it (GKeyFile
/// types: `true`/`false`, integers, `;` lists), for tools that validate a file offline.
public enum ConfigValueCheck {
    /// What is wrong with `value` for option `key`, or nil when the daemon would take it.
    public static func problem(key: String, value: String) -> String? {
        switch convert(key: key, value: value) {
        case .success: return nil
        case .failure(let message): return message.text
        }
    }

    /// The typed value the daemon reads from config-file text, or nil when it is not valid.
    public static func typed(key: String, value: String) -> OptionValue? {
        try? convert(key: key, value: value).get()
    }

    struct Message: Error { var text: String }

    static func convert(key: String, value: String) -> Result<OptionValue, Message> {
        switch check(key: key, value: value) {
        case (let v?, nil): return .success(v)
        case (_, let text): return .failure(Message(text: text ?? "invalid"))
        }
    }

    static func check(key: String, value: String) -> (OptionValue?, String?) {
        guard let spec = OptionRegistry.spec(long: key) else { return (nil, "unknown option") }
        let items = value.split(separator: ";").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        let typed: OptionValue
        switch spec.type {
        case .flag:
            switch value.trimmingSpaces {
            case "true", "1": typed = .flag(true)
            case "false", "0": typed = .flag(false)
            default: return (nil, "expected a boolean (true or false)")
            }
        case .string: typed = .string(value)
        case .int:
            guard let i = Int(value.trimmingSpaces) else { return (nil, "not an integer") }
            typed = .int(i)
        case .double:
            guard let d = Double(value.trimmingSpaces), d.isFinite else { return (nil, "not a number") }
            typed = .double(d)
        case .stringList: typed = .stringList(items)
        case .intList:
            var ints: [Int] = []
            for item in items {
                guard let i = Int(item) else { return (nil, "'\(item)' is not an integer") }
                ints.append(i)
            }
            typed = .intList(ints)
        }
        do {
            try OptionValidation.check(spec, typed, file: nil)
            return (typed, nil)
        } catch {
            if case .badValue(_, _, let reason, _) = error { return (nil, reason) }
            return (nil, "\(error)")
        }
    }

    /// Every option name, for did-you-mean hints.
    public static var optionNames: [String] { OptionRegistry.all.map(\.long) }
}
