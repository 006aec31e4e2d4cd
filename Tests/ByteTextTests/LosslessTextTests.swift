import ByteText
import Testing

@Suite struct LosslessTextTests {
    /// Byte strings of every kind that is not plain UTF-8, next to ordinary ones.
    static let samples: [[UInt8]] = [
        [], Array("v=0".utf8), Array("café".utf8), [0xFF], [0xFE, 0x80], [0x80], [0xC3], [0xC3, 0x28],
        [0xE2, 0x82], [0xED, 0xA0, 0x80],          // truncated sequence, a UTF-16 surrogate
        [0xF0, 0x9F, 0x98, 0x80],                   // valid 4 bytes (U+1F600)
        [0xF4, 0x8F, 0xBC, 0x80],                   // valid UTF-8 of an escape scalar (U+10FF00)
        [0xF4, 0x8F, 0xBF, 0xBF, 0x41],             // U+10FFFF then A
        [0xF4, 0x90, 0x80, 0x80],                   // beyond U+10FFFF
        [0xC0, 0xAF], [0xE0, 0x80, 0xAF],           // overlong
        Array("a=x:".utf8) + [0xFF, 0x00, 0x0D, 0x0A] + Array("é".utf8),
        (0...255).map { UInt8($0) },
    ]

    @Test func everyByteStringRoundTrips() {
        for bytes in Self.samples {
            let text = LosslessText.decode(bytes)
            #expect(LosslessText.encode(text) == bytes, "\(bytes)")
            #expect(LosslessText.encodedCount(text) == bytes.count, "\(bytes)")
        }
    }

    @Test func validUTF8DecodesAsItself() {
        for text in ["", "plain", "café", "日本", "\u{1F600}", "e\u{301}"] {
            #expect(LosslessText.decode(Array(text.utf8)) == text)
            #expect(LosslessText.encode(text) == Array(text.utf8))
        }
    }

    @Test func distinctBytesGiveDistinctText() {
        // The mapping is one-to-one, also where an escape scalar's own UTF-8 is the input.
        let texts = Self.samples.map { LosslessText.decode($0).unicodeScalars.map(\.value) }
        #expect(Set(texts.map { $0.description }).count == Self.samples.count)
        #expect(LosslessText.decode([0xFF]) != LosslessText.decode([0xFE]))
        #expect(LosslessText.decode([0xF4, 0x8F, 0xBF, 0xBF]).unicodeScalars.count == 4)
    }

    @Test func byteStringsCompareByBytes() {
        // As text these are equal (canonical equivalence) or both U+FFFD; as ids they are not.
        #expect("é" == "e\u{301}")
        #expect(ByteString("é") != ByteString("e\u{301}"))
        #expect(ByteString([0xFF]) != ByteString([0xFE]))
        #expect(String(decoding: [0xFF], as: UTF8.self) == String(decoding: [0xFE], as: UTF8.self))
        #expect(Set([ByteString([0xFF]), ByteString([0xFE]), ByteString([0xFF])]).count == 2)
        #expect(ByteString(losslessText: ByteString([0xFF, 0x41]).losslessText) == ByteString([0xFF, 0x41]))
    }
}
