import Bencode

/// Splits a TCP byte stream into ng messages (`cookie SP dictionary`, back to back, as on
/// UDP). A message ends where its bencode dictionary or JSON object ends, so the framer
/// decodes just enough to find that point.
public struct NGStreamFramer: Sendable {
    public enum FramingError: Error, Equatable, Sendable {
        /// The stream holds bytes that cannot start or continue a message; the cookie of
        /// the broken message when one could be read, so the error reply can carry it.
        case malformed(cookie: [UInt8]?)
        /// A message grew past `maxMessageSize` without completing.
        case tooLarge(cookie: [UInt8]?)
    }

    public let maxMessageSize: Int
    private var buffer: [UInt8] = []

    public init(maxMessageSize: Int = 1 << 20) {
        self.maxMessageSize = maxMessageSize
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message, or nil when more bytes are needed.
    public mutating func next() throws(FramingError) -> [UInt8]? {
        // Whitespace between messages (a client's trailing newline) is not part of either.
        let start = buffer.firstIndex { $0 != 0x20 && $0 != 0x0a && $0 != 0x0d && $0 != 0x09 } ?? buffer.count
        if start > 0 { buffer.removeFirst(start) }
        guard !buffer.isEmpty else { return nil }
        guard let space = buffer.firstIndex(of: 0x20) else {
            if buffer.count > 256 { throw .malformed(cookie: nil) }  // no cookie is that long
            return nil
        }
        guard space > 0 else { throw .malformed(cookie: nil) }
        let cookie = Array(buffer[..<space])
        let body = Array(buffer[(space + 1)...])
        guard let first = body.first else { return try checkSize(cookie) }
        let length: Int?
        if first == UInt8(ascii: "{") {
            guard let n = Self.jsonObjectLength(body) else { return try checkSize(cookie) }
            length = n
        } else if Self.startsBencode(first) {
            // Any complete bencode value is a message: one that is not a dictionary is
            // answered "Invalid NG data format" and the connection goes on, as in 10.5.
            do throws(BencodeError) {
                length = try BencodeDecoder.decodePrefix(body).1
            } catch {
                guard error == .truncated else { throw .malformed(cookie: cookie) }
                length = nil
            }
        } else {
            throw .malformed(cookie: cookie)
        }
        guard let length else { return try checkSize(cookie) }
        let end = space + 1 + length
        let message = Array(buffer[..<end])
        buffer.removeFirst(end)
        return message
    }

    static func startsBencode(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "d"), UInt8(ascii: "l"), UInt8(ascii: "i"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return false
        }
    }

    private func checkSize(_ cookie: [UInt8]) throws(FramingError) -> [UInt8]? {
        if buffer.count > maxMessageSize { throw .tooLarge(cookie: cookie) }
        return nil
    }

    /// The length of the JSON object at the start of `bytes`, or nil while it is incomplete.
    /// Counts braces and brackets outside strings; the processor validates the content.
    static func jsonObjectLength(_ bytes: [UInt8]) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for (i, c) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch c {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth <= 0 { return i + 1 }
            default: break
            }
        }
        return nil
    }
}
