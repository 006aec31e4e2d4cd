import ByteText

/// Writes bencode. Dictionary keys are written in the value's order (see `BencodeValue`).
public enum BencodeEncoder {
    public static func encode(_ value: BencodeValue) -> [UInt8] {
        var out: [UInt8] = []
        // Sized exactly: growing by doubling reaches 1 KiB, a large-bin request that makes
        // glibc consolidate its fast bins on every reply.
        out.reserveCapacity(encodedCount(value))
        encode(value, into: &out)
        return out
    }

    /// How many bytes `value` encodes to.
    public static func encodedCount(_ value: BencodeValue) -> Int {
        switch value {
        case .string(let b): return decimalCount(Int64(b.count)) + 1 + b.count
        case .integer(let i): return decimalCount(i) + 2
        case .list(let items): return items.reduce(2) { $0 + encodedCount($1) }
        case .dictionary(let entries):
            return entries.reduce(2) { n, e in
                let k = LosslessText.encodedCount(e.key)
                return n + decimalCount(Int64(k)) + 1 + k + encodedCount(e.value)
            }
        }
    }

    public static func encode(_ value: BencodeValue, into out: inout [UInt8]) {
        switch value {
        case .string(let b):
            out.appendDecimal(Int64(b.count))
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: b)
        case .integer(let i):
            out.append(UInt8(ascii: "i"))
            out.appendDecimal(i)
            out.append(UInt8(ascii: "e"))
        case .list(let items):
            out.append(UInt8(ascii: "l"))
            for item in items { encode(item, into: &out) }
            out.append(UInt8(ascii: "e"))
        case .dictionary(let entries):
            out.append(UInt8(ascii: "d"))
            for (key, v) in entries {
                // Keys straight from the string's bytes (an array per key was the
                // encoder's largest cost); a key decoded losslessly gets its bytes back.
                out.appendDecimal(Int64(LosslessText.encodedCount(key)))
                out.append(UInt8(ascii: ":"))
                LosslessText.encode(key, into: &out)
                encode(v, into: &out)
            }
            out.append(UInt8(ascii: "e"))
        }
    }
}
