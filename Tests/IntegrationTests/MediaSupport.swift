import Bencode
import Foundation
import TestPorts
#if canImport(Glibc)
import Glibc
#endif

/// A phone's media socket on loopback: sends datagrams and receives them with their source.
final class UDPPeer {
    let fd: Int32
    let port: UInt16

    /// A socket on `ip`:`port` (an ephemeral port by default); a port that is taken is a test bug.
    convenience init(_ ip: String = "127.0.0.1", port wanted: UInt16 = 0) {
        self.init(binding: ip, port: wanted)!
    }

    /// A socket bound to `ip`:`port`, or nil when that port is taken.
    init?(binding ip: String, port wanted: UInt16) {
        let any = TestAddress(ip, wanted)
        let s = socket(any.family, Int32(SOCK_DGRAM.rawValue), 0)
        guard s >= 0 else { return nil }
        guard any.withSockaddr({ bind(s, $0, $1) }) == 0 else {
            close(s)
            return nil
        }
        var sin = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        fd = s
        port = UInt16(bigEndian: sin.sin_port)
        var size: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8], to port: UInt16, ip: String = "127.0.0.1") {
        let addr = TestAddress(ip, port)
        _ = addr.withSockaddr { sa, len in bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, sa, len) } }
    }

    /// The next datagram and the port it came from, or nil after `timeout` seconds.
    func receive(timeout: Double = 1) -> (bytes: [UInt8], from: UInt16)? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buf = [UInt8](repeating: 0, count: 65536)
        var sin = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let n = withUnsafeMutablePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buf, buf.count, 0, $0, &len) }
        }
        return n >= 0 ? (Array(buf.prefix(n)), UInt16(bigEndian: sin.sin_port)) : nil
    }

    /// An RTP socket and an RTCP socket on the port after it. A phone whose RTCP port is not
    /// held could have another test's socket there, and RTCP relayed to it would land in that test.
    static func pair() -> (UDPPeer, UDPPeer) {
        while true {
            let rtp = UDPPeer()
            if rtp.port < 65535, let rtcp = UDPPeer(binding: "127.0.0.1", port: rtp.port + 1) { return (rtp, rtcp) }
        }
    }

    /// Drains what is queued; returns how many datagrams there were.
    @discardableResult
    func drain(wait: Double = 0.2) -> Int {
        var n = 0
        while receive(timeout: wait) != nil { n += 1 }
        return n
    }
}

/// An RTP packet: version 2, `payloadType`, `seq`, `ssrc`, then `payload` bytes of `fill`.
func rtpPacket(seq: UInt16, ssrc: UInt32 = 0x1122_3344, payloadType: UInt8 = 0, payload: Int = 160, fill: UInt8 = 0xd5) -> [UInt8] {
    [0x80, payloadType, UInt8(seq >> 8), UInt8(seq & 0xff), 0, 0, 0, 160,
     UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xff), UInt8((ssrc >> 8) & 0xff), UInt8(ssrc & 0xff)]
        + [UInt8](repeating: fill, count: payload)
}

/// An RTCP receiver report (PT 201) from `ssrc`.
func rtcpPacket(ssrc: UInt32 = 0x5566_7788) -> [UInt8] {
    [0x80, 201, 0, 1, UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xff), UInt8((ssrc >> 8) & 0xff), UInt8(ssrc & 0xff)]
}

/// A minimal audio SDP for a phone receiving on `port` (RTCP on the next one).
func phoneSDP(_ port: UInt16, ip: String = "127.0.0.1", extra: [String] = []) -> String {
    (["v=0", "o=- 1 1 IN IP4 \(ip)", "s=-", "c=IN IP4 \(ip)", "t=0 0", "m=audio \(port) RTP/AVP 0 8"] + extra)
        .map { $0 + "\r\n" }.joined()
}

/// A daemon and two phones with a call set up between them through it.
final class RelayedCall {
    let ng: UInt16
    let callID: String
    /// Each phone's RTP socket and the RTCP socket on the port after it (see `UDPPeer.pair`).
    let a: UDPPeer, aRTCP: UDPPeer, b: UDPPeer, bRTCP: UDPPeer
    /// Where each phone sends to: the proxy ports its SDP named.
    var aSendsTo: UInt16 = 0, bSendsTo: UInt16 = 0

    init(ng: UInt16, callID: String = "relay-\(UInt32.random(in: 0...UInt32.max))") {
        self.ng = ng
        self.callID = callID
        (a, aRTCP) = UDPPeer.pair()
        (b, bRTCP) = UDPPeer.pair()
    }

    struct Failed: Error, CustomStringConvertible { let description: String }

    /// Offer from A, answer from B, with extra keys on each.
    func establish(offer: [(String, BencodeValue)] = [], answer: [(String, BencodeValue)] = [],
                   aSDP: [String] = [], bSDP: [String] = []) throws {
        let o = ngRequest(ng, [("command", .string("offer")), ("call-id", .string(callID)), ("from-tag", .string("a")),
                               ("sdp", .string(phoneSDP(a.port, extra: aSDP)))] + offer)
        guard let p = o?["sdp"]?.stringValue.flatMap({ mediaPorts($0).first }) else { throw Failed(description: "offer: \(String(describing: o))") }
        bSendsTo = p
        let r = ngRequest(ng, [("command", .string("answer")), ("call-id", .string(callID)), ("from-tag", .string("a")),
                               ("to-tag", .string("b")), ("sdp", .string(phoneSDP(b.port, extra: bSDP)))] + answer)
        guard let q = r?["sdp"]?.stringValue.flatMap({ mediaPorts($0).first }) else { throw Failed(description: "answer: \(String(describing: r))") }
        aSendsTo = q
    }

    func command(_ name: String, _ extra: [(String, BencodeValue)] = []) -> BencodeValue? {
        ngRequest(ng, [("command", .string(name)), ("call-id", .string(callID))] + extra)
    }

    /// Sends `count` PCMA packets of one SSRC (sequence 0, 1, ...) from A, each received at B.
    func relayPCMAFromA(_ count: Int) {
        for seq in 0..<count {
            a.send(rtpPacket(seq: UInt16(seq), ssrc: 0x0102_0304, payloadType: 8), to: aSendsTo)
            _ = b.receive()
        }
    }
}

/// A daemon on loopback with its own media port range.
func startRelayDaemon(portMin: Int, portMax: Int? = nil, extra: [String] = [],
                      environment: [String: String] = [:]) throws -> (DaemonProcess, UInt16) {
    let ng = freePort()
    let d = try DaemonProcess(arguments: ["--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(ng)",
                                          "-m", "\(portMin)", "-M", "\(portMax ?? portMin + 199)", "-f", "-E", "--num-threads=2"] + extra,
                          environment: environment)
    guard waitForPong("127.0.0.1", ng) else {
        d.stop(signal: SIGKILL)
        throw RelayedCall.Failed(description: "daemon did not start: \(d.output)")
    }
    return (d, ng)
}
