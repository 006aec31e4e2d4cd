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
}
