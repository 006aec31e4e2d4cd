import ByteText

/// Why an SDP body cannot be used.
public enum SDPError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedLine(number: Int, text: String)
    case missingVersion
    case badMediaLine(number: Int, text: String)
    case badConnection(number: Int, text: String)

    public var description: String {
        switch self {
        case .malformedLine(let n, let t): return "line \(n) is not '<type>=<value>': \(t)"
        case .missingVersion: return "SDP does not start with v=0"
        case .badMediaLine(let n, let t): return "line \(n): malformed m= line: \(t)"
        case .badConnection(let n, let t): return "line \(n): malformed c= line: \(t)"
        }
    }
}

/// Parses SDP from untrusted input the way rtpengine 10.5 reads it. Lines end in CRLF or a
/// bare LF (each keeps its own); every line is `<letter>=<value>`, and the first is `v=0`.
/// Each `v=` line starts another session (a body may hold several). An empty line ends
/// the body: what follows is dropped. A body shorter than two bytes holds no session, and
/// bytes shorter than a line after the last line ending are kept as a trailer. The body is
/// bytes: values are decoded losslessly (`LosslessText`), so bytes that are not UTF-8 go
/// out again as they came.
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
        var sessions: [SessionDescription.Session] = []
        var media: [MediaDescription] = []
        var trailer: [UInt8] = []
        var number = 0
        var lineStart = 0
        // 10.5 reads nothing of a body shorter than one line's two bytes.
        if text.count < 2 { return SessionDescription(sessions: [], media: [], trailer: Array(text)) }
        // Split on bytes: in Swift's Character view "\r\n" is one character, not two.
        while lineStart < text.count {
            var lineEnd = lineStart
            while lineEnd < text.count, text[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            number += 1
            var end = lineEnd
            var ending = SDPLine.LineEnding.lf
            if lineEnd == text.count {
                // The last bytes, without a line ending: a line when long enough for one.
                if lineEnd - lineStart < 2 {
                    trailer = Array(UnsafeBufferPointer(rebasing: text[lineStart..<lineEnd]))
                    break
                }
                ending = .none
            } else if end > lineStart, text[end - 1] == UInt8(ascii: "\r") {
                end -= 1
                ending = .crlf
            }
            defer { lineStart = lineEnd + 1 }
            // An empty line ends the body.
            if end == lineStart { break }
            let bytes = UnsafeBufferPointer(rebasing: text[lineStart..<end])
            let first = bytes[0]
            guard bytes.count >= 2, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z"), bytes[1] == UInt8(ascii: "=") else {
                throw .malformedLine(number: number, text: String(LosslessText.decode(bytes).prefix(80)))
            }
            let value = LosslessText.decode(UnsafeBufferPointer(rebasing: bytes[2...]))
            if first == UInt8(ascii: "v") {
                guard value == "0" else { throw .missingVersion }
                var head: [SDPLine] = []
                head.reserveCapacity(16)
                head.append(SDPLine(typeByte: first, value, ending: ending))
                sessions.append(SessionDescription.Session(lines: head, media: media.count..<media.count))
                continue
            }
            guard let current = sessions.indices.last else { throw .missingVersion }
            if first == UInt8(ascii: "m") {
                guard let m = MediaLine(parsing: value) else { throw .badMediaLine(number: number, text: value) }
                var section = MediaDescription(mediaLine: m, mediaLineEnding: ending)
                section.receivedMediaLine = (m, value)
                section.lines.reserveCapacity(16)
                media.append(section)
                sessions[current].media = sessions[current].media.lowerBound..<media.count
                continue
            }
            if first == UInt8(ascii: "c"), Connection(parsing: value) == nil {
                throw .badConnection(number: number, text: value)
            }
            let sdpLine = SDPLine(typeByte: first, value, ending: ending)
            if sessions[current].media.isEmpty {
                sessions[current].lines.append(sdpLine)
            } else {
                media[media.count - 1].lines.append(sdpLine)
            }
        }
        return SessionDescription(sessions: sessions, media: media, trailer: trailer)
    }
}
