import Media
import NetAddress
import Session
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The ranges lie above the kernel's ephemeral ports (32768-60999), where no other test's
/// ephemeral socket can take a port that the exact counts below rely on.
@Suite(.serialized) struct SocketPortAllocatorTests {
    static let loopback = MediaInterface(name: "default", address: IPAddress("127.0.0.1")!)
    static let loopback6 = MediaInterface(name: "default", address: IPAddress("::1")!)

    @Test func pairsAreEvenBoundAndReleased() throws {
        let ports = SocketPortAllocator(portMin: 65401, portMax: 65410)
        defer { ports.releaseAll() }
        let a = try #require(ports.allocate(on: Self.loopback))
        let b = try #require(ports.allocate(on: Self.loopback))
        #expect(a.rtp % 2 == 0 && b.rtp % 2 == 0 && a != b)
        #expect((65402...65410).contains(Int(a.rtp)))
        #expect(ports.usage(on: Self.loopback.address).pairs == 2)
        ports.release(a, on: Self.loopback)
        #expect(ports.usage(on: Self.loopback.address).pairs == 1)
        // The range holds four pairs (65402..65409); the fifth allocation fails.
        var held: [PortPair] = []
        while let p = ports.allocate(on: Self.loopback) { held.append(p) }
        #expect(held.count == 3)
    }

    /// A lone RTP port (a section muxed from the start) binds that port only: the next
    /// one stays free for other processes, and releasing gives the one socket back.
    @Test func aLoneRTPPortBindsOneSocket() throws {
        let ports = SocketPortAllocator(portMin: 65460, portMax: 65469)
        defer { ports.releaseAll() }
        let lone = try #require(ports.allocateRTPOnly(on: Self.loopback))
        #expect(!lone.hasRTCP && lone.rtp % 2 == 0)
        func bindable(_ port: UInt16) -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: port.bigEndian,
                                   sin_addr: in_addr(s_addr: UInt32(0x7f00_0001).bigEndian), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
            return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 } }
        }
        #expect(!bindable(lone.rtp))
        #expect(bindable(lone.rtp + 1))
        let pair = try #require(ports.allocate(on: Self.loopback))
        #expect(pair.rtp != lone.rtp && pair.hasRTCP)
        ports.release(lone, on: Self.loopback)
        #expect(bindable(lone.rtp))
        #expect(ports.usage(on: Self.loopback.address).pairs == 1)
    }

    @Test func tosIsAppliedAtBindAndOnRequest() throws {
        let ports = SocketPortAllocator(portMin: 65420, portMax: 65429, tos: 184)
        defer { ports.releaseAll() }
        let pair = try #require(ports.allocate(on: Self.loopback))
        #expect(ports.tos(of: pair, on: Self.loopback) == 184)
        ports.setTOS(46 << 2, for: pair, on: Self.loopback)
        #expect(ports.tos(of: pair, on: Self.loopback) == 46 << 2)
        if let v6 = ports.allocate(on: Self.loopback6) {
            #expect(ports.tos(of: v6, on: Self.loopback6) == 184)
        }
    }
    /// The search goes on after the last block handed out: a block a call just gave back
    /// is not the next one handed out (its late packets would reach the new call).
    @Test func aFreedBlockIsNotHandedOutAtOnce() throws {
        let ports = SocketPortAllocator(portMin: 65470, portMax: 65489)
        defer { ports.releaseAll() }
        let block = try #require(ports.allocate(on: Self.loopback, pairs: 2))
        ports.release(block, on: Self.loopback)
        let next = try #require(ports.allocate(on: Self.loopback))
        #expect(next.rtp == block.rtp + 4)
    }

    /// A port count's block: consecutive pairs, all bound, never wrapping round the range,
    /// given back pair by pair.
    @Test func blocksAreConsecutiveAndStayInTheRange() throws {
        let ports = SocketPortAllocator(portMin: 65440, portMax: 65451)
        defer { ports.releaseAll() }
        let single = try #require(ports.allocate(on: Self.loopback))
        #expect(single.rtp == 65440)
        let block = try #require(ports.allocate(on: Self.loopback, pairs: 3))
        #expect(block.rtp == 65442 && block.pairs == 3)
        #expect(ports.usage(on: Self.loopback.address).pairs == 4)
        // Taken: binding any of its six ports again fails.
        for port in 65442...65447 {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(fd) }
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = UInt16(port).bigEndian
            sin.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            let rc = withUnsafePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            #expect(rc != 0, "port \(port) is not held")
        }
        // Two pairs are left (65448 to 65451): no room for three.
        #expect(ports.allocate(on: Self.loopback, pairs: 3) == nil)
        ports.release(block, on: Self.loopback)
        #expect(ports.usage(on: Self.loopback.address).pairs == 1)
        #expect(ports.allocate(on: Self.loopback, pairs: 5)?.rtp == 65442)
    }
}
