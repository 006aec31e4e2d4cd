/// Writes bencode. Dictionary keys are written in the value's order (see `BencodeValue`).
public enum BencodeEncoder {
    public static func encode(_ value: BencodeValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        encode(value, into: &out)
        return out
    }

    /// `N:` for a string of `count` bytes.
    private static func writeLength(_ count: Int, into out: inout [UInt8]) {
        writeDecimal(count, into: &out)
        out.append(UInt8(ascii: ":"))
    }

    private static func writeDecimal(_ n: Int64, into out: inout [UInt8]) {
        if n < 0 {
            out.append(UInt8(ascii: "-"))
            // -(Int64.min) overflows: its digits are those of the magnitude as unsigned.
            writeDigits(UInt64(bitPattern: n).magnitudeOfNegative, into: &out)
        } else {
            writeDigits(UInt64(n), into: &out)
        }
    }

    private static func writeDecimal(_ n: Int, into out: inout [UInt8]) { writeDecimal(Int64(n), into: &out) }

    private static func writeDigits(_ n: UInt64, into out: inout [UInt8]) {
        if n >= 10 { writeDigits(n / 10, into: &out) }
        out.append(UInt8(ascii: "0") + UInt8(n % 10))
    }

    public static func encode(_ value: BencodeValue, into out: inout [UInt8]) {
        switch value {
        case .string(let b):
            writeLength(b.count, into: &out)
            out.append(contentsOf: b)
        case .integer(let i):
            out.append(UInt8(ascii: "i"))
            writeDecimal(i, into: &out)
            out.append(UInt8(ascii: "e"))
        case .list(let items):
            out.append(UInt8(ascii: "l"))
            for item in items { encode(item, into: &out) }
            out.append(UInt8(ascii: "e"))
        case .dictionary(let entries):
            out.append(UInt8(ascii: "d"))
            for (key, v) in entries {
                // Keys straight from the string's bytes (an array per key was the
                // encoder's largest cost).
                writeLength(key.utf8.count, into: &out)
                if key.utf8.withContiguousStorageIfAvailable({ out.append(contentsOf: $0) }) == nil {
                    out.append(contentsOf: key.utf8)
                }
                encode(v, into: &out)
            }
            out.append(UInt8(ascii: "e"))
        }
    }
}

private extension UInt64 {
    /// For the bit pattern of a negative Int64: its magnitude.
    var magnitudeOfNegative: UInt64 { ~self &+ 1 }
}
