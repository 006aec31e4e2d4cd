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
        case .string(let b): return digits(Int64(b.count)) + 1 + b.count
        case .integer(let i): return digits(i) + 2
        case .list(let items): return items.reduce(2) { $0 + encodedCount($1) }
        case .dictionary(let entries):
            return entries.reduce(2) { n, e in
                let k = e.key.utf8.count
                return n + digits(Int64(k)) + 1 + k + encodedCount(e.value)
            }
        }
    }

    /// Characters of `n` in decimal, sign included.
    private static func digits(_ n: Int64) -> Int {
        var count = n < 0 ? 2 : 1
        var rest = (n / 10).magnitude
        while rest > 0 {
            count += 1
            rest /= 10
        }
        return count
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
