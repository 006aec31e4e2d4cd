import ByteText

/// A parsed SDP body: the session-level lines, then one `MediaDescription` per `m=` line.
/// Serialising an unmodified value gives back the input with CRLF line endings.
public struct SessionDescription: Hashable, Sendable {
    /// Session-level lines in order, from `v=` up to the first `m=`.
    public var sessionLines: [SDPLine]
    public var media: [MediaDescription]

    public init(sessionLines: [SDPLine], media: [MediaDescription] = []) {
        self.sessionLines = sessionLines
        self.media = media
    }

    /// The session's `o=` line, parsed.
    public var origin: Origin? {
        sessionLines.first { $0.typeByte == UInt8(ascii: "o") }.flatMap { Origin(parsing: $0.value) }
    }

    /// The session-level `c=` line, parsed.
    public var connection: Connection? {
        sessionLines.first { $0.typeByte == UInt8(ascii: "c") }.flatMap { Connection(parsing: $0.value) }
    }

    public func sessionAttributes(_ name: String) -> [SDPLine] {
        sessionLines.filter { $0.attributeName == name }
    }

    /// The body as text (decoded losslessly, see `LosslessText`).
    public var text: String { LosslessText.decode(bytes) }

    /// The body as sent on the wire: every line followed by its own line ending.
    public var bytes: [UInt8] {
        // Sized exactly: a buffer of 1 KiB or more is a large-bin request for glibc, which
        // then consolidates its fast bins on every SDP written.
        var size = 0
        for line in sessionLines { size += line.value.utf8.count + 4 }
        for m in media {
            size += m.mediaLine.writtenCount + 4
            for line in m.lines { size += line.value.utf8.count + 4 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        func end(_ ending: SDPLine.LineEnding) {
            if ending == .crlf { out.append(UInt8(ascii: "\r")) }
            out.append(UInt8(ascii: "\n"))
        }
        func write(_ line: SDPLine) {
            out.append(line.typeByte)
            out.append(UInt8(ascii: "="))
            LosslessText.encode(line.value, into: &out)
            end(line.ending)
        }
        for line in sessionLines { write(line) }
        for m in media {
            out.append(UInt8(ascii: "m"))
            out.append(UInt8(ascii: "="))
            m.mediaLine.write(into: &out)
            end(m.mediaLineEnding)
            for line in m.lines { write(line) }
        }
        return out
    }
}

/// One media section: its `m=` line and the lines under it, in order.
public struct MediaDescription: Hashable, Sendable {
    public var mediaLine: MediaLine
    public var mediaLineEnding: SDPLine.LineEnding = .crlf
    public var lines: [SDPLine]

    public init(mediaLine: MediaLine, lines: [SDPLine] = [], mediaLineEnding: SDPLine.LineEnding = .crlf) {
        self.mediaLine = mediaLine
        self.lines = lines
        self.mediaLineEnding = mediaLineEnding
    }

    public var allLines: [SDPLine] { [SDPLine("m", mediaLine.description, ending: mediaLineEnding)] + lines }

    /// Whether the section has a `c=` line of its own (without parsing it).
    public var hasConnection: Bool { lines.contains { $0.typeByte == UInt8(ascii: "c") } }

    /// The media-level `c=` line, parsed.
    public var connection: Connection? {
        lines.first { $0.typeByte == UInt8(ascii: "c") }.flatMap { Connection(parsing: $0.value) }
    }

    public func attributes(_ name: String) -> [SDPLine] {
        lines.filter { $0.attributeName == name }
    }

    public func attribute(_ name: String) -> SDPLine? {
        lines.first { $0.attributeName == name }
    }

    /// A port of zero rejects or disables the section (RFC 3264 section 6).
    public var isRejected: Bool { mediaLine.port == 0 }
}
