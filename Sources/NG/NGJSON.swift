import Bencode

/// JSON bodies for ng, mapped onto the same value model as bencode: strings (UTF-8),
/// integers, lists and ordered dictionaries. Booleans read as integers 1/0, other numbers
/// and null as their text, since ng values are strings or integers.
public enum NGJSON {
    public static let maxDepth = BencodeDecoder.maxDepth

    public static func decode(_ bytes: [UInt8]) -> BencodeValue? {
        var p = Parser(bytes: bytes)
        guard let v = p.value(depth: 0) else { return nil }
        p.skipSpace()
        return p.index == bytes.count ? v : nil
    }

    public static func encode(_ value: BencodeValue) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, key: nil, bare: { _, _ in false }, into: &out)
        return out
    }

    /// Like `encode`, but a dictionary value for which `bare(key, text)` holds is written
    /// without quotes (figures that bencode can only carry as text, such as `"0.25"`).
    public static func encode(_ value: BencodeValue, bare: (String, [UInt8]) -> Bool) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, key: nil, bare: bare, into: &out)
        return out
    }

    private static func encode(_ value: BencodeValue, key: String?, bare: (String, [UInt8]) -> Bool, into out: inout [UInt8]) {
        switch value {
        case .string(let b):
            if let key, bare(key, b) { out.append(contentsOf: b) } else { encodeString(b, into: &out) }
        case .integer(let i): out.append(contentsOf: String(i).utf8)
        case .list(let items):
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                encode(item, key: nil, bare: bare, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .dictionary(let entries):
            out.append(UInt8(ascii: "{"))
            for (n, entry) in entries.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                encodeString(Array(entry.key.utf8), into: &out)
                out.append(UInt8(ascii: ":"))
                encode(entry.value, key: entry.key, bare: bare, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func encodeString(_ bytes: [UInt8], into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        // Bytes that are not valid UTF-8 are repaired so the reply stays valid JSON.
        for b in String(decoding: bytes, as: UTF8.self).utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: Array("\\\"".utf8))
            case UInt8(ascii: "\\"): out.append(contentsOf: Array("\\\\".utf8))
            case UInt8(ascii: "\n"): out.append(contentsOf: Array("\\n".utf8))
            case UInt8(ascii: "\r"): out.append(contentsOf: Array("\\r".utf8))
            case UInt8(ascii: "\t"): out.append(contentsOf: Array("\\t".utf8))
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xf)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[index]) { index += 1 }
        }

        mutating func literal(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard bytes.count - index >= w.count, Array(bytes[index..<index + w.count]) == w else { return false }
            index += w.count
            return true
        }

        mutating func value(depth: Int) -> BencodeValue? {
            guard depth < NGJSON.maxDepth else { return nil }
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var entries: [(key: String, value: BencodeValue)] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .dictionary(entries) }
                while true {
                    skipSpace()
                    guard let key = string() else { return nil }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                    index += 1
                    guard let v = value(depth: depth + 1) else { return nil }
                    entries.append((String(decoding: key, as: UTF8.self), v))
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return .dictionary(entries) }
                    return nil
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [BencodeValue] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .list(items) }
                while true {
                    guard let v = value(depth: depth + 1) else { return nil }
                    items.append(v)
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return .list(items) }
                    return nil
                }
            case UInt8(ascii: "\""):
                return string().map { .string($0) }
            case UInt8(ascii: "t"):
                return literal("true") ? .integer(1) : nil
            case UInt8(ascii: "f"):
                return literal("false") ? .integer(0) : nil
            case UInt8(ascii: "n"):
                return literal("null") ? .string(Array("null".utf8)) : nil
            default:
                return number()
            }
        }

        mutating func number() -> BencodeValue? {
            let start = index
            while index < bytes.count, Array("+-0123456789.eE".utf8).contains(bytes[index]) { index += 1 }
            guard index > start else { return nil }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if let i = Int64(text) { return .integer(i) }
            guard Double(text) != nil else { return nil }
            return .string(Array(text.utf8))
        }

        /// A JSON string starting at `"`; escapes decoded, `\u` pairs joined into UTF-8.
        mutating func string() -> [UInt8]? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            var out: [UInt8] = []
            var pendingHigh: UInt32?
            while index < bytes.count {
                let c = bytes[index]
                index += 1
                if c == UInt8(ascii: "\"") { return pendingHigh == nil ? out : nil }
                if c < 0x20 { return nil }
                if c != UInt8(ascii: "\\") {
                    guard pendingHigh == nil else { return nil }
                    out.append(c)
                    continue
                }
                guard index < bytes.count else { return nil }
                let e = bytes[index]
                index += 1
                if e == UInt8(ascii: "u") {
                    guard bytes.count - index >= 4,
                          let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
                    else { return nil }
                    index += 4
                    var scalarValue = code
                    if let high = pendingHigh {
                        guard (0xDC00...0xDFFF).contains(code) else { return nil }
                        scalarValue = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                        pendingHigh = nil
                    } else if (0xD800...0xDBFF).contains(code) {
                        pendingHigh = code
                        continue
                    }
                    guard let scalar = Unicode.Scalar(scalarValue) else { return nil }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    continue
                }
                guard pendingHigh == nil else { return nil }
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5c)
                case UInt8(ascii: "/"): out.append(0x2f)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "t"): out.append(0x09)
                default: return nil
                }
            }
            return nil
        }
    }
}
