import ByteText

/// Why an SDP body cannot be used.
public enum SDPError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case malformedLine(number: Int, text: String)
    case missingVersion
    case badMediaLine(number: Int, text: String)
    case badConnection(number: Int, text: String)

    public var description: String {
        switch self {
        case .empty: return "empty SDP body"
        case .malformedLine(let n, let t): return "line \(n) is not '<type>=<value>': \(t)"
        case .missingVersion: return "SDP does not start with v=0"
        case .badMediaLine(let n, let t): return "line \(n): malformed m= line: \(t)"
        case .badConnection(let n, let t): return "line \(n): malformed c= line: \(t)"
        }
    }
}

/// Parses SDP from untrusted input. Accepts CRLF or bare LF line endings and ignores empty
/// lines, as SIP stacks in the field produce both; every other line must be `<letter>=...`.
/// The body is bytes: line values are decoded losslessly (`LosslessText`), so bytes that
/// are not UTF-8 go out again as they came.
public enum SDPParser {
    public static func parse(_ body: [UInt8]) throws(SDPError) -> SessionDescription {
        let result = body.withUnsafeBufferPointer { bytes in
            Result { () throws(SDPError) in try parse(bytes) }
        }
        return try result.get()
    }

    public static func parse(_ text: String) throws(SDPError) -> SessionDescription {
        try parse(Array(text.utf8))
    }

    static func parse(_ text: UnsafeBufferPointer<UInt8>) throws(SDPError) -> SessionDescription {
        var session: [SDPLine] = []
        session.reserveCapacity(16)
        var media: [MediaDescription] = []
        var number = 0
        var sawAny = false
        var lineStart = 0
        // Split on bytes: in Swift's Character view "\r\n" is one character, not two.
        while lineStart <= text.count {
            var lineEnd = lineStart
            while lineEnd < text.count, text[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            number += 1
            var end = lineEnd
            var ending = SDPLine.LineEnding.lf
            if end > lineStart, text[end - 1] == UInt8(ascii: "\r") {
                end -= 1
                ending = .crlf
            }
            if end == lineStart { continue }
            let bytes = UnsafeBufferPointer(rebasing: text[lineStart..<end])
            let first = bytes[0]
            guard bytes.count >= 2, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z"), bytes[1] == UInt8(ascii: "=") else {
                throw .malformedLine(number: number, text: String(LosslessText.decode(bytes).prefix(80)))
            }
            let value = LosslessText.decode(UnsafeBufferPointer(rebasing: bytes[2...]))
            if !sawAny {
                guard first == UInt8(ascii: "v"), value == "0" else { throw .missingVersion }
                sawAny = true
            }
            if first == UInt8(ascii: "m") {
                guard let m = MediaLine(parsing: value) else { throw .badMediaLine(number: number, text: value) }
                var section = MediaDescription(mediaLine: m, mediaLineEnding: ending)
                section.lines.reserveCapacity(16)
                media.append(section)
                continue
            }
            if first == UInt8(ascii: "c"), Connection(parsing: value) == nil {
                throw .badConnection(number: number, text: value)
            }
            let sdpLine = SDPLine(typeByte: first, value, ending: ending)
            if media.isEmpty { session.append(sdpLine) } else { media[media.count - 1].lines.append(sdpLine) }
        }
        guard sawAny else { throw .empty }
        return SessionDescription(sessionLines: session, media: media)
    }
}
