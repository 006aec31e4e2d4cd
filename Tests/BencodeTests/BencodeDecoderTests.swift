import Testing
@testable import Bencode

@Suite struct BencodeDecoderTests {
    static let good: [(String, BencodeValue)] = [
        ("i0e", .integer(0)),
        ("i-42e", .integer(-42)),
        ("i9223372036854775807e", .integer(Int64.max)),
        ("i10e", .integer(10)),
        ("i-7e", .integer(-7)),
        ("10:0123456789", .string("0123456789")),
        ("d10:sixteen-ch0:e", .dictionary([("sixteen-ch", .string([]))])),
        ("d26:a key longer than 15 bytesi1e5:h\u{E9}!!i2ee", .dictionary([("a key longer than 15 bytes", .integer(1)), ("hé!!", .integer(2))])),
        ("0:", .string([])),
        ("4:spam", .string("spam")),
        ("le", .list([])),
        ("l4:spami3ee", .list([.string("spam"), .integer(3)])),
        ("de", .dictionary([])),
        ("d7:command4:pinge", .dictionary([("command", .string("ping"))])),
        // Key order is kept as sent, not sorted.
        ("d1:bi1e1:ai2ee", .dictionary([("b", .integer(1)), ("a", .integer(2))])),
        ("d4:listl1:x1:yee", .dictionary([("list", .list([.string("x"), .string("y")]))])),
    ]

    @Test(arguments: good)
    func decodesValidInput(text: String, expected: BencodeValue) throws {
        #expect(try BencodeDecoder.decode(Array(text.utf8)) == expected)
    }

    static let bad: [(String, BencodeError)] = [
        ("", .truncated),
        ("i", .truncated),
        ("i12", .truncated),
        ("ie", .badInteger(at: 1)),
        ("i-0e", .badInteger(at: 1)),
        ("i03e", .badInteger(at: 1)),
        ("i1x2e", .badInteger(at: 1)),
        ("i9223372036854775808e", .badInteger(at: 1)),
        ("5:abc", .truncated),
        ("99999999999999999999:x", .badInteger(at: 0)),
        ("-1:x", .unexpectedByte(UInt8(ascii: "-"), at: 0)),
        ("l4:spam", .truncated),
        ("d7:command", .truncated),
        ("di1ei2ee", .unexpectedByte(UInt8(ascii: "i"), at: 1)),
        ("x", .unexpectedByte(UInt8(ascii: "x"), at: 0)),
        ("i1ei2e", .trailingData(at: 3)),
    ]

    @Test(arguments: bad)
    func rejectsMalformedInput(text: String, expected: BencodeError) {
        #expect(throws: expected) { try BencodeDecoder.decode(Array(text.utf8)) }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "l", count: 10_000) + String(repeating: "e", count: 10_000)
        #expect(throws: BencodeError.tooDeep) { try BencodeDecoder.decode(Array(deep.utf8)) }
        let ok = String(repeating: "l", count: 10) + String(repeating: "e", count: 10)
        #expect(throws: Never.self) { try BencodeDecoder.decode(Array(ok.utf8)) }
    }

    @Test func prefixReportsWhereTheValueEnds() throws {
        let (v, end) = try BencodeDecoder.decodePrefix(Array("d1:ai1ee3:xyz".utf8))
        #expect(v == .dictionary([("a", .integer(1))]))
        #expect(end == 8)
    }

    @Test(arguments: good)
    func encodeRoundTrips(text: String, value: BencodeValue) {
        #expect(String(decoding: BencodeEncoder.encode(value), as: UTF8.self) == text)
        #expect(BencodeEncoder.encodedCount(value) == text.utf8.count)
    }

    @Test func encodesTheSmallestInteger() {
        #expect(String(decoding: BencodeEncoder.encode(.integer(Int64.min)), as: UTF8.self) == "i-9223372036854775808e")
        #expect(BencodeEncoder.encodedCount(.integer(Int64.min)) == 22)
        for n: Int64 in [0, 9, 10, 99, 100, -1, -9, -10, -99, 1_000_000, Int64.max] {
            #expect(BencodeEncoder.encodedCount(.integer(n)) == "i\(n)e".utf8.count, "\(n)")
        }
    }

    @Test func stringsAreBytes() throws {
        let raw: [UInt8] = Array("3:".utf8) + [0x00, 0xff, 0x20]
        #expect(try BencodeDecoder.decode(raw) == .string([0x00, 0xff, 0x20]))
    }
}

@Suite struct BencodeBytesTests {
    /// Keys and strings that are not UTF-8 are encoded back with their own bytes.
    @Test func nonUTF8KeysAndStringsRoundTrip() throws {
        let input: [UInt8] = Array("d2:".utf8) + [0xFF, 0xFE] + Array("1:".utf8) + [0x80]
            + Array("2:".utf8) + [0xF4, 0x8F] + Array("i1ee".utf8)
        let value = try BencodeDecoder.decode(input)
        #expect(BencodeEncoder.encode(value) == input)
        #expect(BencodeEncoder.encodedCount(value) == input.count)
        guard case .dictionary(let entries) = value else { Issue.record("not a dictionary"); return }
        #expect(entries.count == 2 && entries[0].key != entries[1].key)
        #expect(entries[0].value.bytesValue == [0x80])
    }
}
