/// One `<type>=<value>` line of an SDP body (RFC 8866 section 5), kept as written so that
/// lines the proxy does not rewrite go out exactly as they came in.
public struct SDPLine: Hashable, Sendable, CustomStringConvertible {
    /// The one-letter type (`v`, `o`, `c`, `m`, `a`, ...).
    public var type: Character { Character(Unicode.Scalar(typeByte)) }
    public private(set) var value: String
    /// For `a=` lines: the attribute name (`rtpmap` in `a=rtpmap:0 PCMU/8000`, `sendrecv`).
    /// Kept from construction: every offer and answer looks lines up by it many times.
    public private(set) var attributeName: String?
    /// `type` as its ASCII byte: the line stores only this (a stored `Character` made every
    /// copy of a line retain and release one more string).
    public private(set) var typeByte: UInt8
    /// The line's own terminator as received. Lines the proxy generates use CRLF
    /// (RFC 8866); a line it only rewrites keeps what it came with, as rtpengine does.
    public var ending: LineEnding = .crlf

    public enum LineEnding: String, Sendable, Hashable {
        case crlf = "\r\n"
        case lf = "\n"
        /// The body's last line, without an ending.
        case none = ""
    }

    public init(_ type: Character, _ value: String, ending: LineEnding = .crlf) {
        self.init(byte: type.asciiValue ?? UInt8(ascii: "?"), value, ending: ending)
    }

    /// From the parser, which has the type's byte already.
    init(typeByte: UInt8, _ value: String, ending: LineEnding) {
        self.init(byte: typeByte, value, ending: ending)
    }

    private init(byte: UInt8, _ value: String, ending: LineEnding) {
        self.value = value
        self.ending = ending
        typeByte = byte
        if byte == UInt8(ascii: "a") { attributeName = Self.attributeName(of: value) }
    }

    /// The name of `a=name[:value]`: made from the bytes before the colon (a substring of
    /// the value costs more, and every attribute line of every SDP passes here).
    static func attributeName(of value: String) -> String {
        func name(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
            bytes.firstIndex(of: UInt8(ascii: ":")).map { String(decoding: UnsafeBufferPointer(rebasing: bytes[..<$0]), as: UTF8.self) }
        }
        return value.withUTF8Bytes(name) ?? value
    }

    /// An `a=` line whose name is known (nothing to look up in `value`).
    init(attribute name: String, _ value: String) {
        self.value = value
        typeByte = UInt8(ascii: "a")
        attributeName = name
    }

    /// The same line with another value, keeping its type and line ending.
    public func with(value: String) -> SDPLine {
        SDPLine(byte: typeByte, value, ending: ending)
    }

    public var description: String { "\(type)=\(value)" }

    /// For `a=name:N ...` lines (rtpmap, fmtp, rtcp-fb): the leading number N of the value,
    /// read without building the value.
    public var leadingNumber: Int? {
        guard typeByte == UInt8(ascii: "a") else { return nil }
        func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            var n = 0, digits = 0
            for b in bytes[(colon + 1)...] {
                if b == UInt8(ascii: " ") { break }
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9"), digits < 9 else { return nil }
                n = n * 10 + Int(b - UInt8(ascii: "0"))
                digits += 1
            }
            return digits > 0 ? n : nil
        }
        return value.withUTF8Bytes(read)
    }

    /// `attributeValue` as a view of the line's own text (no string made).
    public var attributeValueText: Substring? {
        guard typeByte == UInt8(ascii: "a"), let colon = value.asciiFirstIndex(of: UInt8(ascii: ":")) else { return nil }
        return value[value.index(after: colon)...]
    }

    /// For `a=name:value` lines: the part after the first colon.
    public var attributeValue: String? { attributeValueText.map(String.init) }

    /// `a=name` or `a=name:value`; `name` is an attribute name (no colon).
    public static func attribute(_ name: String, _ value: String? = nil) -> SDPLine {
        assert(name.asciiFirstIndex(of: UInt8(ascii: ":")) == nil, "attribute name with a colon: \(name)")
        guard let value else { return SDPLine(attribute: name, name) }
        // (Concatenated: most results fit a small string, which needs no allocation; building
        // the bytes by hand cost more, as the result is checked as UTF-8 again.)
        var text = name
        text.append(":")
        text.append(value)
        return SDPLine(attribute: name, text)
    }
}
