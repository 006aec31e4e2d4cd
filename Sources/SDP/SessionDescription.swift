import ByteText

/// A parsed SDP body: one or more sessions one after another (each from its `v=` line up to
/// the next), every session's lines followed by its media sections. Media sections are
/// numbered across sessions, as rtpengine numbers them. Serialising an unmodified value
/// gives back the input's bytes (see `SDPParser` for what it drops).
public struct SessionDescription: Hashable, Sendable {
    /// One session's own lines and which of the body's media sections are its.
    public struct Session: Hashable, Sendable {
        public var lines: [SDPLine]
        public var media: Range<Int>

        public init(lines: [SDPLine], media: Range<Int>) {
            self.lines = lines
            self.media = media
        }
    }

    public var sessions: [Session]
    /// Every media section of every session, in order.
    public var media: [MediaDescription]
    /// Bytes after the last line that are no line (fewer than two, without a line
    /// ending): 10.5 leaves them at the end of the body it writes.
    public var trailer: [UInt8] = []

    /// A body of one session.
    public init(sessionLines: [SDPLine], media: [MediaDescription] = []) {
        sessions = [Session(lines: sessionLines, media: 0..<media.count)]
        self.media = media
    }

    public init(sessions: [Session], media: [MediaDescription], trailer: [UInt8] = []) {
        self.sessions = sessions
        self.media = media
        self.trailer = trailer
    }

    /// The first session's lines, from `v=` up to its first `m=` (empty without a session).
    public var sessionLines: [SDPLine] {
        get { sessions.first?.lines ?? [] }
        set {
            if sessions.isEmpty { sessions.append(Session(lines: newValue, media: 0..<0)) } else { sessions[0].lines = newValue }
        }
    }

    /// The session media section `index` belongs to.
    public func session(ofMedia index: Int) -> Session {
        sessions.first { $0.media.contains(index) } ?? sessions[0]
    }

    /// The first session's `o=` line, parsed.
    public var origin: Origin? {
        sessionLines.first { $0.typeByte == UInt8(ascii: "o") }.flatMap { Origin(parsing: $0.value) }
    }

    /// The first session's `c=` line, parsed.
    public var connection: Connection? { Self.connection(in: sessionLines) }

    /// The session-level `c=` line that speaks for media section `index`.
    public func sessionConnection(ofMedia index: Int) -> Connection? {
        Self.connection(in: session(ofMedia: index).lines)
    }

    /// The `c=` line among a session's `lines`, parsed.
    public static func connection(in lines: [SDPLine]) -> Connection? {
        lines.first { $0.typeByte == UInt8(ascii: "c") }.flatMap { Connection(parsing: $0.value) }
    }

    /// Session-level attributes named `name`, of every session.
    public func sessionAttributes(_ name: String) -> [SDPLine] {
        sessions.flatMap { $0.lines.filter { $0.attributeName == name } }
    }

    /// The body as text (decoded losslessly, see `LosslessText`).
    public var text: String { LosslessText.decode(bytes) }

    /// The body as sent on the wire: every line followed by its own line ending.
    public var bytes: [UInt8] {
        // Sized exactly: a buffer of 1 KiB or more is a large-bin request for glibc, which
        // then consolidates its fast bins on every SDP written.
        var size = trailer.count
        for s in sessions {
            for line in s.lines { size += line.value.utf8.count + 4 }
        }
        for m in media {
            size += (m.mediaLineText?.utf8.count ?? m.mediaLine.writtenCount) + 4
            for line in m.lines { size += line.value.utf8.count + 4 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        func end(_ ending: SDPLine.LineEnding) {
            switch ending {
            case .crlf: out.append(UInt8(ascii: "\r")); out.append(UInt8(ascii: "\n"))
            case .lf: out.append(UInt8(ascii: "\n"))
            case .none: break
            }
        }
        // The last line of the input may have had no ending: it stays so only where it is
        // still the last line; anything after it needs a line break (10.5 runs the two
        // lines together, which loses the second).
        var pending: SDPLine.LineEnding?
        func write(type: UInt8, _ body: (inout [UInt8]) -> Void, ending: SDPLine.LineEnding) {
            if let p = pending { end(p == .none ? .crlf : p) }
            out.append(type)
            out.append(UInt8(ascii: "="))
            body(&out)
            pending = ending
        }
        for s in sessions {
            for line in s.lines {
                write(type: line.typeByte, { LosslessText.encode(line.value, into: &$0) }, ending: line.ending)
            }
            for m in media[s.media] {
                if let text = m.mediaLineText {
                    write(type: UInt8(ascii: "m"), { LosslessText.encode(text, into: &$0) }, ending: m.mediaLineEnding)
                } else {
                    write(type: UInt8(ascii: "m"), { m.mediaLine.write(into: &$0) }, ending: m.mediaLineEnding)
                }
                for line in m.lines {
                    write(type: line.typeByte, { LosslessText.encode(line.value, into: &$0) }, ending: line.ending)
                }
            }
        }
        if let p = pending { end(p) }
        out.append(contentsOf: trailer)
        return out
    }
}

/// One media section: its `m=` line and the lines under it, in order.
public struct MediaDescription: Hashable, Sendable {
    public var mediaLine: MediaLine
    public var mediaLineEnding: SDPLine.LineEnding = .crlf
    public var lines: [SDPLine]
    /// The `m=` line as received, with its own spacing: written as it came while
    /// `mediaLine` is unchanged (10.5 copies the lines it does not rewrite).
    public var receivedMediaLine: (line: MediaLine, text: String)?

    public static func == (a: MediaDescription, b: MediaDescription) -> Bool {
        a.mediaLine == b.mediaLine && a.mediaLineEnding == b.mediaLineEnding && a.lines == b.lines
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(mediaLine)
        hasher.combine(lines)
    }

    /// The first three fields of the m= line as it came, as 10.5 reads them: one space
    /// apart, so `m=audio  0 RTP/AVP 8` (two spaces) is type `audio`, an empty port and the
    /// profile `0`. Nil for a line not parsed from text.
    public var fieldsAs105Reads: [Substring]? {
        receivedMediaLine.map { Array($0.text.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).prefix(3)) }
    }

    /// The profile 10.5 reads in the m= line as it came (see `fieldsAs105Reads`).
    public var profileAs105Reads: String? {
        fieldsAs105Reads.map { $0.count > 2 ? String($0[2]) : "" }
    }

    /// Whether 10.5 reads an RTP profile in the m= line as it came: `m=audio  0 RTP/AVP 8`
    /// has none, so the section has no codecs to it.
    public var profileReadIsRTP: Bool {
        guard let text = receivedMediaLine?.text, let space = text.utf8.firstIndex(of: UInt8(ascii: " ")),
              text.utf8[text.utf8.index(after: space)...].first == UInt8(ascii: " ") else { return mediaLine.isRTP }
        return MediaLine.isRTPProfile(profileAs105Reads ?? "")
    }

    /// The text written after `m=`.
    public var mediaLineText: String? {
        guard let received = receivedMediaLine, received.line == mediaLine else { return nil }
        return received.text
    }

    public init(mediaLine: MediaLine, lines: [SDPLine] = [], receivedMediaLine: (line: MediaLine, text: String)? = nil,
                mediaLineEnding: SDPLine.LineEnding = .crlf) {
        self.mediaLine = mediaLine
        self.lines = lines
        self.receivedMediaLine = receivedMediaLine
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
