import ByteText

/// Why bytes are not valid bencode.
public enum BencodeError: Error, Equatable, Sendable {
    case truncated
    case unexpectedByte(UInt8, at: Int)
    case badInteger(at: Int)
    case badStringLength(at: Int)
    case tooDeep
    case trailingData(at: Int)
}

/// Decodes bencode from untrusted input: every length is bounds-checked, integers are checked
/// for overflow and canonical form, and nesting is limited so hostile input cannot exhaust
/// the stack.
public struct BencodeDecoder {
    public static let maxDepth = 64

    /// Decodes one value that must span all of `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(BencodeError) -> BencodeValue {
        let (value, end) = try decodePrefix(bytes)
        if end != bytes.count { throw .trailingData(at: end) }
        return value
    }

    /// Decodes the value at the start of `bytes`, returning it and the index after it.
    public static func decodePrefix(_ bytes: [UInt8]) throws(BencodeError) -> (BencodeValue, Int) {
        try decodePrefix(bytes, from: 0)
    }

    /// Decodes the value starting at `start` in `bytes` (a message's body after its cookie,
    /// read where it is), returning it and the index after it.
    public static func decodePrefix(_ bytes: [UInt8], from start: Int) throws(BencodeError) -> (BencodeValue, Int) {
        var decoder = BencodeDecoder(bytes: bytes)
        decoder.index = start
        let value = try decoder.value(depth: 0)
        return (value, decoder.index)
    }

    private let bytes: [UInt8]
    private var index = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func value(depth: Int) throws(BencodeError) -> BencodeValue {
        guard depth < Self.maxDepth else { throw .tooDeep }
        guard index < bytes.count else { throw .truncated }
        let c = bytes[index]
        switch c {
        case UInt8(ascii: "i"):
            index += 1
            return .integer(try integer(until: UInt8(ascii: "e")))
        case UInt8(ascii: "l"):
            index += 1
            var items: [BencodeValue] = []
            while true {
                guard index < bytes.count else { throw .truncated }
                if bytes[index] == UInt8(ascii: "e") { index += 1; return .list(items) }
                items.append(try value(depth: depth + 1))
            }
        case UInt8(ascii: "d"):
            index += 1
            var entries: [(key: String, value: BencodeValue)] = []
            // (An ng request has a handful of keys: room for them at once, not four growths.)
            entries.reserveCapacity(8)
            while true {
                guard index < bytes.count else { throw .truncated }
                if bytes[index] == UInt8(ascii: "e") { index += 1; return .dictionary(entries) }
                guard bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else {
                    throw .unexpectedByte(bytes[index], at: index)
                }
                let key = try keyString()
                entries.append((key, try value(depth: depth + 1)))
            }
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .string(try string())
        default:
            throw .unexpectedByte(c, at: index)
        }
    }

    private mutating func string() throws(BencodeError) -> [UInt8] {
        let range = try stringRange()
        return Array(bytes[range])
    }

    /// A dictionary key, made into a `String` straight from the input (no array between),
    /// losslessly: a key that is not UTF-8 is written back with its own bytes.
    private mutating func keyString() throws(BencodeError) -> String {
        let range = try stringRange()
        return bytes.withUnsafeBufferPointer { LosslessText.decode(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Where the string starting here lies in the input; moves past it.
    private mutating func stringRange() throws(BencodeError) -> Range<Int> {
        let start = index
        let length = try integer(until: UInt8(ascii: ":"))
        guard length >= 0, bytes[start] != UInt8(ascii: "-") else { throw .badStringLength(at: start) }
        guard length <= bytes.count - index else { throw .truncated }
        defer { index += Int(length) }
        return index..<index + Int(length)
    }

    /// Reads a decimal integer up to `terminator`, rejecting empty, `-0` and leading zeros.
    private mutating func integer(until terminator: UInt8) throws(BencodeError) -> Int64 {
        let start = index
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let digitsStart = index
        var magnitude: Int64 = 0
        while index < bytes.count, bytes[index] != terminator {
            let d = bytes[index]
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { throw .badInteger(at: start) }
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(Int64(d - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw .badInteger(at: start) }
            magnitude = m2
            index += 1
        }
        guard index < bytes.count else { throw .truncated }
        let digitCount = index - digitsStart
        guard digitCount > 0 else { throw .badInteger(at: start) }
        if digitCount > 1, bytes[digitsStart] == UInt8(ascii: "0") { throw .badInteger(at: start) }
        if negative, magnitude == 0 { throw .badInteger(at: start) }
        index += 1  // terminator
        return negative ? -magnitude : magnitude
    }
}
