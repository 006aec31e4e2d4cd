/// `--help` output, rendered from the registry in the layout GLib gives rtpengine's help.
public enum HelpText {
    public static func render(program: String = "rtpengine") -> String {
        var rows: [(String, String)] = []
        for spec in OptionRegistry.all {
            var left = spec.short.map { "-\($0), " } ?? ""
            left += "--\(spec.long)"
            if let arg = spec.displayArg { left += "=\(arg)" }
            rows.append((left, describe(spec)))
        }
        let width = min(60, (rows.map(\.0.count).max() ?? 0) + 2)
        var out = "Usage:\n  \(program) [OPTION...]  - next-generation media proxy\n\nOptions:\n"
        for (left, right) in rows {
            let pad = left.count < width ? String(repeating: " ", count: width - left.count) : "  "
            out += "  \(left)\(pad)\(right)\n"
        }
        return out
    }

    /// The help sentence plus the default and, when unbuilt, what is missing.
    static func describe(_ spec: OptionSpec) -> String {
        var text = spec.help
        if let d = spec.defaultValue { text += " (default: \(d))" }
        if spec.type.isRepeatable { text += " [repeatable]" }
        if case .notBuilt(let feature) = spec.availability { text += " [not built yet: \(feature)]" }
        return text
    }
}
