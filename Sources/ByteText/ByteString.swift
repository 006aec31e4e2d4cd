/// A byte string compared byte by byte: what call-ids, tags, labels and via-branches are on
/// the wire. rtpengine keeps them as bytes, so two ids that differ in bytes stay two calls
/// even when both are not UTF-8 (as `String` they would both decode to U+FFFD) or are
/// canonically equivalent text (`String` compares "é" and "e\u{301}" equal).
public struct ByteString: Hashable, Sendable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init<S: Sequence>(_ bytes: S) where S.Element == UInt8 { self.bytes = Array(bytes) }

    public init(_ text: String) { bytes = Array(text.utf8) }

    public init(stringLiteral value: String) { self.init(value) }

    public var isEmpty: Bool { bytes.isEmpty }
    public var count: Int { bytes.count }

    /// The bytes as a `String` that gives them back unchanged (see `LosslessText`): for
    /// text that is written out again, such as CLI listings and bencode keys.
    public var losslessText: String { LosslessText.decode(bytes) }

    /// From text made by `losslessText` (or any text): its bytes.
    public init(losslessText: String) { bytes = LosslessText.encode(losslessText) }

    /// Readable for logs: UTF-8 where valid, U+FFFD elsewhere.
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    public static func < (a: ByteString, b: ByteString) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
