import Bencode

/// The body encoding of an ng message; a reply always uses its request's encoding.
public enum NGEncoding: Sendable, Equatable {
    case bencode
    case json
}

/// The result of handling one ng datagram, for the transport to send and log.
public struct NGOutcome: Sendable, Equatable {
    /// The bytes to send back, or nil when the datagram had no cookie to answer to.
    public var reply: [UInt8]?
    /// The command name as sent, when one could be read.
    public var command: String?
    public var error: NGError?
    /// `command` read as a known command (read once: the dispatcher counts by it).
    public var known: NGCommand? = nil
}

/// Runs the commands that act on calls. The processor parses and answers; a handler (the
/// session layer) returns the reply's keys, to which the processor adds `result: ok`.
public protocol NGCommandHandler: Sendable {
    /// The commands this handler serves; the others answer "not supported".
    var commands: Set<NGCommand> { get }
    func handle(_ request: NGRequest) throws(NGError) -> [(key: String, value: BencodeValue)]
}

/// Handles ng requests: `cookie SP dictionary` in, `cookie SP dictionary` out. Sans-IO: the
/// transports (UDP, TCP) feed it bytes and send what it returns.
public struct NGProcessor: Sendable {
    private let handler: (any NGCommandHandler)?

    public init(handler: (any NGCommandHandler)? = nil) {
        self.handler = handler
    }

    /// Answers one message; `source` (`ip:port` of the sender) is handed to the command.
    public func handle(_ datagram: [UInt8], source: String? = nil) -> NGOutcome {
        guard let space = datagram.firstIndex(of: UInt8(ascii: " ")), space > 0 else {
            // Without a cookie there is nothing a client could match a reply to: drop it.
            return NGOutcome(reply: nil, command: nil, error: .invalidFormat)
        }
        let cookie = datagram[..<space]
        let encoding: NGEncoding = space + 1 < datagram.count && datagram[space + 1] == UInt8(ascii: "{") ? .json : .bencode
        var command: String?
        var known: NGCommand?
        let response: BencodeValue
        var failure: NGError?
        do {
            let request = try decode(datagram, from: space + 1, encoding)
            guard let name = request["command"]?.stringValue else { throw NGError.missingCommand }
            command = name
            known = NGCommand(rawValue: name)
            response = try dispatch(name, known, request, source: source)
        } catch let error as NGError {
            failure = error
            response = Self.errorResponse(error)
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
        var reply: [UInt8] = []
        // (Sized at once: growing by doubling copied a reply with an SDP several times.)
        if encoding == .bencode { reply.reserveCapacity(cookie.count + 1 + BencodeEncoder.encodedCount(response)) }
        reply.append(contentsOf: cookie)
        reply.append(UInt8(ascii: " "))
        switch encoding {
        case .bencode: BencodeEncoder.encode(response, into: &reply)
        case .json: reply.append(contentsOf: NGJSON.encode(response))
        }
        return NGOutcome(reply: reply, command: command, error: failure, known: known)
    }

    static func errorResponse(_ error: NGError) -> BencodeValue {
        .dictionary([("result", .string("error")), ("error-reason", .string(error.reason))])
    }

    /// A bencode error reply for a message the transport could not even frame.
    public static func errorReply(cookie: [UInt8], _ error: NGError) -> [UInt8] {
        var reply = cookie
        reply.append(UInt8(ascii: " "))
        BencodeEncoder.encode(errorResponse(error), into: &reply)
        return reply
    }

    /// The message's body, from `start` (after the cookie and its space).
    private func decode(_ datagram: [UInt8], from start: Int, _ encoding: NGEncoding) throws(NGError) -> BencodeValue {
        switch encoding {
        case .json:
            guard let v = NGJSON.decode(Array(datagram[start...])), case .dictionary = v else { throw .undecodableJSON }
            return v
        case .bencode:
            guard start < datagram.count, datagram[start] == UInt8(ascii: "d") else { throw .invalidFormat }
            // Bytes after the dictionary are ignored, as rtpengine ignores them.
            guard let (v, _) = try? BencodeDecoder.decodePrefix(datagram, from: start) else { throw .undecodableBencode }
            return v
        }
    }

    private func dispatch(_ name: String, _ known: NGCommand?, _ request: BencodeValue, source: String?) throws(NGError) -> BencodeValue {
        guard let command = known else { throw .unrecognizedCommand(name) }
        if command == .ping { return .dictionary([("result", .string("pong"))]) }
        guard let handler, handler.commands.contains(command) else { throw .unsupportedCommand(command) }
        var parsed = NGRequestParser.parse(request, command: command)
        parsed.source = source
        do throws(NGError) {
            let entries = try handler.handle(parsed)
            // rtpengine writes `result` after the command's own keys.
            return .dictionary(entries + [("result", .string("ok"))])
        } catch .sessionLimit where parsed.supports.contains("load limit") {
            // The `load limit` extension: a proxy that supports it gets a result it can
            // route on instead of an error.
            return .dictionary([("result", .string("load limit")), ("message", .string(NGError.sessionLimit.reason))])
        }
    }
}
