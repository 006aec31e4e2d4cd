/// Any byte string as a Swift `String` and back without loss, for wire text (SDP, bencode
/// keys) that the code reads as text but must pass on byte for byte. Valid UTF-8 decodes as
/// usual; every byte that is not part of valid UTF-8 becomes one scalar of the escape range
/// U+10FF00-U+10FFFF (the end of plane 16, private use), which encoding turns back into
/// that byte. Valid UTF-8 that itself spells a scalar of the escape range is escaped byte by
/// byte as well, so the mapping is one-to-one (PEP 383's `surrogateescape`, on scalars a
/// Swift string can hold).
public enum LosslessText {
    static let escapeBase: UInt32 = 0x10FF00
    /// Every escape scalar starts with this byte in UTF-8 (F4 8F BC..BF xx), and so does
    /// nothing else that needs care: text without it is copied as it is.
    static let escapeLead: UInt8 = 0xF4

    public static func decode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer(decode)
    }

    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Fast path: ASCII, or valid UTF-8 without the escape lead byte.
        var ascii = true
        var lead = false
        for b in bytes where b >= 0x80 {
            ascii = false
            if b == escapeLead { lead = true; break }
        }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        if !lead, let valid = String(validating: bytes, as: UTF8.self) { return valid }
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            if let (scalar, length) = scalar(at: i, in: bytes), !isEscape(scalar.value) {
                scalars.append(scalar)
                i += length
            } else {
                scalars.append(Unicode.Scalar(escapeBase + UInt32(bytes[i]))!)
                i += 1
            }
        }
        return String(scalars)
    }

    public static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        encode(text, into: &out)
        return out
    }

    /// Appends the bytes `text` stands for.
    public static func encode(_ text: String, into out: inout [UInt8]) {
        // Text without escapes (nearly all) is copied as it is, in one pass over its bytes.
        let copied = text.utf8.withContiguousStorageIfAvailable { b -> Bool in
            guard !b.contains(escapeLead) else { return false }
            out.append(contentsOf: b)
            return true
        }
        if copied == true { return }
        if copied == nil, !text.utf8.contains(escapeLead) {
            out.append(contentsOf: text.utf8)
            return
        }
        for scalar in text.unicodeScalars {
            if isEscape(scalar.value) {
                out.append(UInt8(truncatingIfNeeded: scalar.value - escapeBase))
            } else {
                out.append(contentsOf: UTF8.encode(scalar)!)
            }
        }
    }

    /// How many bytes `encode(text)` gives.
    public static func encodedCount(_ text: String) -> Int {
        let n = text.utf8.count
        guard text.utf8.contains(escapeLead) else { return n }
        // An escape scalar is four UTF-8 bytes for one byte out.
        return n - 3 * text.unicodeScalars.count { isEscape($0.value) }
    }

    static func isEscape(_ value: UInt32) -> Bool { value >= escapeBase && value <= escapeBase + 0xFF }

    /// The well-formed UTF-8 sequence at `i` (Unicode 15, table 3-7), or nil.
    static func scalar(at i: Int, in b: UnsafeBufferPointer<UInt8>) -> (Unicode.Scalar, Int)? {
        let b0 = b[i]
        func cont(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> UInt32? {
            guard i + k < b.count, range.contains(b[i + k]) else { return nil }
            return UInt32(b[i + k] & 0x3F)
        }
        let value: UInt32
        let length: Int
        switch b0 {
        case 0x00...0x7F: return (Unicode.Scalar(b0), 1)
        case 0xC2...0xDF:
            guard let c1 = cont(1) else { return nil }
            value = UInt32(b0 & 0x1F) << 6 | c1; length = 2
        case 0xE0...0xEF:
            let first: ClosedRange<UInt8> = b0 == 0xE0 ? 0xA0...0xBF : (b0 == 0xED ? 0x80...0x9F : 0x80...0xBF)
            guard let c1 = cont(1, first), let c2 = cont(2) else { return nil }
            value = UInt32(b0 & 0x0F) << 12 | c1 << 6 | c2; length = 3
        case 0xF0...0xF4:
            let first: ClosedRange<UInt8> = b0 == 0xF0 ? 0x90...0xBF : (b0 == 0xF4 ? 0x80...0x8F : 0x80...0xBF)
            guard let c1 = cont(1, first), let c2 = cont(2), let c3 = cont(3) else { return nil }
            value = UInt32(b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3; length = 4
        default: return nil
        }
        return Unicode.Scalar(value).map { ($0, length) }
    }
}
