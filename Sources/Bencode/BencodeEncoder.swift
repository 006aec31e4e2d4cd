/// Writes bencode. Dictionary keys are written in the value's order (see `BencodeValue`).
public enum BencodeEncoder {
    public static func encode(_ value: BencodeValue) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, into: &out)
        return out
    }

    public static func encode(_ value: BencodeValue, into out: inout [UInt8]) {
        switch value {
        case .string(let b):
            out.append(contentsOf: String(b.count).utf8)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: b)
        case .integer(let i):
            out.append(UInt8(ascii: "i"))
            out.append(contentsOf: String(i).utf8)
            out.append(UInt8(ascii: "e"))
        case .list(let items):
            out.append(UInt8(ascii: "l"))
            for item in items { encode(item, into: &out) }
            out.append(UInt8(ascii: "e"))
        case .dictionary(let entries):
            out.append(UInt8(ascii: "d"))
            for (key, v) in entries {
                encode(.string(Array(key.utf8)), into: &out)
                encode(v, into: &out)
            }
            out.append(UInt8(ascii: "e"))
        }
    }
}
