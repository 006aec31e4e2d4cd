import ByteText

/// A bencode value. Dictionaries keep their keys in the order they were read or built,
/// because ng replies are written in insertion order (rtpengine's replies are not sorted).
public enum BencodeValue: Equatable, Sendable {
    case string([UInt8])
    case integer(Int64)
    case list([BencodeValue])
    case dictionary([(key: String, value: BencodeValue)])

    public static func string(_ s: String) -> BencodeValue { .string(Array(s.utf8)) }

    public static func string(_ s: ByteString) -> BencodeValue { .string(s.bytes) }

    public static func == (a: BencodeValue, b: BencodeValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.list(let x), .list(let y)): return x == y
        case (.dictionary(let x), .dictionary(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The first value stored under `key` in a dictionary.
    public subscript(key: String) -> BencodeValue? {
        guard case .dictionary(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The element at `index` of a list; nil out of range or for a non-list.
    public subscript(index: Int) -> BencodeValue? {
        guard case .list(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    public var integerValue: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    /// A string's bytes, else nil.
    public var bytesValue: [UInt8]? {
        if case .string(let b) = self { return b }
        return nil
    }

    /// A string's bytes as UTF-8 text (invalid sequences repaired), else nil. For values
    /// that are only read (flags, option words); ids and SDP use `bytesValue`.
    public var stringValue: String? {
        if case .string(let b) = self { return String(decoding: b, as: UTF8.self) }
        return nil
    }
}
