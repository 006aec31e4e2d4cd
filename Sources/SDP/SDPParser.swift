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
public enum SDPParser {
    public static func parse(_ text: String) throws(SDPError) -> SessionDescription {
        var session: [SDPLine] = []
        var media: [MediaDescription] = []
        var number = 0
        var sawAny = false
        // Split on bytes: in Swift's Character view "\r\n" is one character, not two.
        for raw in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var bytes = raw
            var ending = SDPLine.LineEnding.lf
            if bytes.last == UInt8(ascii: "\r") {
                bytes = bytes.dropLast()
                ending = .crlf
            }
            if bytes.isEmpty { continue }
            let line = String(decoding: bytes, as: UTF8.self)
            guard bytes.count >= 2, let first = bytes.first,
                  first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z"),
                  bytes[bytes.index(after: bytes.startIndex)] == UInt8(ascii: "=")
            else { throw .malformedLine(number: number, text: String(line.prefix(80))) }
            let value = String(decoding: bytes.dropFirst(2), as: UTF8.self)
            let sdpLine = SDPLine(Character(Unicode.Scalar(first)), value, ending: ending)
            if !sawAny {
                guard sdpLine.type == "v", sdpLine.value == "0" else { throw .missingVersion }
                sawAny = true
            }
            if sdpLine.type == "m" {
                guard let m = MediaLine(parsing: sdpLine.value) else {
                    throw .badMediaLine(number: number, text: sdpLine.value)
                }
                media.append(MediaDescription(mediaLine: m, mediaLineEnding: ending))
                continue
            }
            if sdpLine.type == "c", Connection(parsing: sdpLine.value) == nil {
                throw .badConnection(number: number, text: sdpLine.value)
            }
            if media.isEmpty { session.append(sdpLine) } else { media[media.count - 1].lines.append(sdpLine) }
        }
        guard sawAny else { throw .empty }
        return SessionDescription(sessionLines: session, media: media)
    }
}
