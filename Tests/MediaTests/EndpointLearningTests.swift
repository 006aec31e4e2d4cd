import ByteText
import CMediaIO
import Foundation
@testable import Media
import NetAddress
import Session
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// When learning ends (query's `confirmed`), driven by the rule's deadline rather than by
/// waiting: 10.5 commits to an endpoint with the first packet after the last signal's
/// second and three more, so a rule installed with a deadline in the past stands for a
/// call signalled long ago, one with a deadline far ahead for a call just signalled.
@Suite(.serialized) struct EndpointLearningTests {
    static let lo = IPAddress("127.0.0.1")!

    /// A phone's socket on an ephemeral loopback port.
    final class Phone {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var port: UInt16 = 0

        init() {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
            _ = withUnsafeMutablePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
            port = UInt16(bigEndian: sin.sin_port)
        }

        deinit { close(fd) }

        func send(to port: UInt16) {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            var packet: [UInt8] = [0x80, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4] + [UInt8](repeating: 0xd5, count: 20)
            _ = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, &packet, packet.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
    }

    /// Counters once `packets` have been counted on `socket`.
    static func counters(_ engine: MediaEngine, _ socket: LocalSocket, packets: UInt64) -> StreamCounters? {
        for _ in 0..<300 {
            if let c = engine.counters(of: socket), c.packets >= packets { return c }
            usleep(10_000)
        }
        return engine.counters(of: socket)
    }

    func run(_ learning: EndpointLearning, deadline: Double, _ body: (MediaEngine, LocalSocket, (Double) -> Void) throws -> Void) throws {
        let engine = MediaEngine(threads: 1)
        defer { engine.shutdown() }
        // Above the kernel's ephemeral ports and outside every other test's range (the relay
        // load test's daemon holds 61010-65209).
        let ports = SocketPortAllocator(portMin: 65330, portMax: 65399, owner: engine)
        defer { ports.releaseAll() }
        let interface = MediaInterface(name: "default", address: Self.lo)
        let a = try #require(ports.allocate(on: interface)), b = try #require(ports.allocate(on: interface))
        let socket = LocalSocket(address: Self.lo, port: a.rtp)
        let advertised = Phone()
        func install(_ until: Double) {
            var rule = SocketRule(socket: socket, isRTCP: false, advertised: Endpoint(address: Self.lo, port: advertised.port),
                                  learning: learning)
            rule.learnUntil = until
            rule.rtpTarget = LocalSocket(address: Self.lo, port: b.rtp)
            engine.install(callID: ByteString("learn"), rules: [rule])
        }
        install(deadline)
        try body(engine, socket, install)
    }

    @Test func delayedLearningFollowsTheNewestSourceUntilTheDeadline() throws {
        try run(.delayed, deadline: Date().timeIntervalSince1970 + 1000) { engine, socket, install in
            let x = Phone(), y = Phone(), z = Phone()
            x.send(to: socket.port)
            var c = try #require(Self.counters(engine, socket, packets: 1))
            #expect(!c.confirmed && c.endpoint?.port == x.port)
            y.send(to: socket.port)
            c = try #require(Self.counters(engine, socket, packets: 2))
            #expect(!c.confirmed && c.endpoint?.port == y.port, "still learning: the newest source wins")
            // A signal long ago: the next packet ends learning, its source final.
            install(1)
            z.send(to: socket.port)
            c = try #require(Self.counters(engine, socket, packets: 3))
            #expect(c.confirmed && c.endpoint?.port == z.port)
            y.send(to: socket.port)
            c = try #require(Self.counters(engine, socket, packets: 4))
            #expect(c.confirmed && c.endpoint?.port == z.port, "confirmed: a new source no longer moves it")
        }
    }

    @Test func heuristicLearningKeepsTheBestMatchAndConfirmsAtTheDeadline() throws {
        try run(.heuristic, deadline: Date().timeIntervalSince1970 + 1000) { engine, socket, install in
            let x = Phone()
            x.send(to: socket.port)
            var c = try #require(Self.counters(engine, socket, packets: 1))
            #expect(!c.confirmed && c.endpoint?.port == x.port)
            install(1)
            x.send(to: socket.port)
            c = try #require(Self.counters(engine, socket, packets: 2))
            #expect(c.confirmed)
        }
    }

    @Test(arguments: [EndpointLearning.off, .immediate])
    func withoutDelayTheFirstPacketConfirms(_ learning: EndpointLearning) throws {
        try run(learning, deadline: Date().timeIntervalSince1970 + 1000) { engine, socket, _ in
            #expect(engine.counters(of: socket)?.confirmed == false, "nothing arrived yet")
            let x = Phone()
            x.send(to: socket.port)
            let c = try #require(Self.counters(engine, socket, packets: 1))
            #expect(c.confirmed)
            // Immediate learning takes the source; without learning the SDP's endpoint stays.
            #expect((c.endpoint?.port == x.port) == (learning == .immediate))
        }
    }
}

/// Endpoints through the C socket address the media threads keep: IPv6 addresses came back
/// with their low half from the stack (the union's 16-byte `sockaddr` member was copied
/// and read as a 28-byte `sockaddr_in6`), in 1-3 % of queries.
@Suite struct MediaAddressTests {
    @Test func endpointsSurviveTheSocketAddressWholly() {
        var generator = SystemRandomNumberGenerator()
        for i in 0..<20_000 {
            let address: IPAddress = i % 4 == 0
                ? .v4(UInt32.random(in: 0...UInt32.max, using: &generator))
                : .v6(UInt64.random(in: 0...UInt64.max, using: &generator), UInt64.random(in: 0...UInt64.max, using: &generator))
            let endpoint = Endpoint(address: address, port: UInt16(truncatingIfNeeded: i) | 1)
            // Stack noise where a wrong read would land.
            var noise = (UInt64.max, UInt64.max, UInt64.max, UInt64.max)
            withUnsafeMutableBytes(of: &noise) { $0.storeBytes(of: UInt64(i), as: UInt64.self) }
            let back = mio_addr(endpoint).endpoint
            #expect(back == endpoint, "\(endpoint.address) came back as \(String(describing: back?.address))")
            if back != endpoint { return }
        }
    }
}
