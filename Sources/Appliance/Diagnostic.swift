/// One finding of `rtpengine-supervisor check`: where, what, and how to fix it.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var file: String
    public var line: Int
    public var section: String?
    public var key: String?
    public var message: String
    public var hint: String?

    public init(_ severity: Severity, _ file: String, _ line: Int, section: String? = nil, key: String? = nil,
                _ message: String, hint: String? = nil) {
        self.severity = severity
        self.file = file
        self.line = line
        self.section = section
        self.key = key
        self.message = message
        self.hint = hint
    }

    /// `file:line: error: [section] key: message`, then the hint on its own line.
    public var description: String {
        var s = "\(file):\(line): \(severity.rawValue): "
        if let section { s += "[\(section)] " }
        if let key { s += "\(key): " }
        s += message
        if let hint { s += "\n    hint: \(hint)" }
        return s
    }

    /// The same as a JSON object (for `--json`).
    public var json: String {
        var fields = ["\"severity\":\(Self.quote(severity.rawValue))", "\"file\":\(Self.quote(file))", "\"line\":\(line)"]
        if let section { fields.append("\"section\":\(Self.quote(section))") }
        if let key { fields.append("\"key\":\(Self.quote(key))") }
        fields.append("\"message\":\(Self.quote(message))")
        if let hint { fields.append("\"hint\":\(Self.quote(hint))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

/// The closest of `candidates` to `word` (edit distance at most 2 or a third of its
/// length), for "did you mean" hints.
func didYouMean(_ word: String, _ candidates: [String]) -> String? {
    let limit = max(2, word.count / 3)
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(word, c)
        if d <= limit, d < (best?.1 ?? .max) { best = (c, d) }
    }
    return best?.0
}

func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.utf8), y = Array(b.utf8)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[y.count]
}
