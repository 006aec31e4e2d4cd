/// The OPTIONS section of `man/rtpengine.8`, rendered from the registry. A test compares it
/// with the checked-in page so the page can never list a different set of options.
public enum ManPage {
    public static let beginMarker = ".\\\" BEGIN GENERATED OPTIONS"
    public static let endMarker = ".\\\" END GENERATED OPTIONS"

    public static func optionsSection() -> String {
        var out = beginMarker + "\n"
        for spec in OptionRegistry.all {
            var head = ".TP\n"
            var parts: [String] = []
            if let s = spec.short { parts.append("\\fB\\-\(s)\\fR") }
            var long = "\\fB\\-\\-\(escape(spec.long))\\fR"
            if let arg = spec.displayArg { long += "=\\fI\(escape(arg))\\fR" }
            parts.append(long)
            head += parts.joined(separator: ", ") + "\n"
            out += head + escape(HelpText.describe(spec)) + "\n"
        }
        return out + endMarker + "\n"
    }

    /// Escapes roff specials: backslashes, hyphens (so they render as minus signs) and a
    /// leading dot or quote that roff would read as a request.
    static func escape(_ s: String) -> String {
        var r = s.replacingAll("\\", with: "\\e").replacingAll("-", with: "\\-")
        if r.hasPrefix(".") || r.hasPrefix("'") { r = "\\&" + r }
        return r
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var r = ""
        for c in self { if c == target { r += replacement } else { r.append(c) } }
        return r
    }
}
