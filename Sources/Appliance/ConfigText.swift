/// A config file as lines: its sections and keys with the line each is on, so every
/// diagnostic can name `file:line`. The syntax is GKeyFile's (the daemon's parser): `[group]`
/// headers, `key=value` lines, `#` comments and blank lines; values lose surrounding spaces
/// and have `\s \n \t \r \\` unescaped.
public struct ConfigText: Sendable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: String
        public var line: Int
    }

    public struct Section: Sendable {
        public var name: String
        public var line: Int
        public var entries: [Entry]
    }

    public struct SyntaxError: Sendable, Equatable {
        public var line: Int
        public var message: String
    }

    public let path: String
    public private(set) var sections: [Section] = []
    public private(set) var syntaxErrors: [SyntaxError] = []

    public init(path: String, text: String) {
        self.path = path
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("[") {
                let body = trimmed.drop { $0 != "[" }.dropFirst()
                guard let close = body.firstIndex(of: "]"), body[body.index(after: close)...].allSatisfy({ $0 == " " || $0 == "\t" }),
                      !body[..<close].isEmpty else {
                    syntaxErrors.append(SyntaxError(line: number, message: "malformed section header '\(trimmed)'"))
                    continue
                }
                let name = String(body[..<close])
                if sections.contains(where: { $0.name == name }) {
                    // GKeyFile merges a repeated group into the first; so do we.
                    let i = sections.firstIndex { $0.name == name }!
                    sections.append(sections.remove(at: i))
                } else {
                    sections.append(Section(name: name, line: number, entries: []))
                }
                continue
            }
            guard let eq = trimmed.firstIndex(of: "=") else {
                syntaxErrors.append(SyntaxError(line: number,
                                                message: "'\(trimmed)' is not a key=value pair, a [section] or a comment"))
                continue
            }
            let key = String(trimmed[..<eq]).trimmingCharacters(" \t")
            guard !key.isEmpty else {
                syntaxErrors.append(SyntaxError(line: number, message: "a value without a key"))
                continue
            }
            guard !sections.isEmpty else {
                syntaxErrors.append(SyntaxError(line: number, message: "key '\(key)' before any [section]"))
                continue
            }
            let value = Self.unescape(String(trimmed[trimmed.index(after: eq)...]).trimmingCharacters(" \t"))
            var section = sections.removeLast()
            // A repeated key: the later line wins, as in GKeyFile.
            section.entries.removeAll { $0.key == key }
            section.entries.append(Entry(key: key, value: value, line: number))
            sections.append(section)
        }
    }

    public func section(_ name: String) -> Section? { sections.first { $0.name == name } }

    static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = ""
        var escaped = false
        for c in s {
            if escaped {
                switch c {
                case "s": out.append(" ")
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}

extension String {
    func trimmingCharacters(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
