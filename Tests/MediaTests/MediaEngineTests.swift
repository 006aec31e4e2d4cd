import ByteText
import Foundation
@testable import Media
import NetAddress
import Session
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The engine's bookkeeping of which sockets its threads poll: a released socket must leave
/// its thread's epoll set whatever the timing of the release against the thread's wake-ups.
@Suite(.serialized) struct MediaEngineTests {
    static let loopback = MediaInterface(name: "default", address: IPAddress("127.0.0.1")!)

    /// Descriptors in the threads' epoll sets, not counting each thread's wake-up eventfd.
    static func polled(_ engine: MediaEngine) -> Int {
        engine.epollDescriptors.reduce(0) { sum, fd in
            let info = (try? String(contentsOfFile: "/proc/self/fdinfo/\(fd)", encoding: .utf8)) ?? ""
            return sum + info.split(separator: "\n").filter { $0.hasPrefix("tfd:") }.count - 1
        }
    }

    static func settle(_ engine: MediaEngine) {
        for _ in 0..<200 where !engine.isSettled { usleep(10_000) }
    }

    /// Rules that relay between the RTP sockets of two pairs (one call, two sides).
    static func install(_ engine: MediaEngine, _ a: PortPair, _ b: PortPair, call: String) {
        let address = loopback.address
        func rule(_ port: UInt16, to target: UInt16, rtcp: Bool) -> SocketRule {
            var r = SocketRule(socket: LocalSocket(address: address, port: port), isRTCP: rtcp, advertised: nil, learning: .immediate)
            r.rtpTarget = LocalSocket(address: address, port: target)
            return r
        }
        engine.install(callID: ByteString(call), rules: [rule(a.rtp, to: b.rtp, rtcp: false), rule(b.rtp, to: a.rtp, rtcp: false),
                                             rule(a.rtp + 1, to: b.rtp + 1, rtcp: true), rule(b.rtp + 1, to: a.rtp + 1, rtcp: true)])
    }

    @Test func releasedSocketsLeaveTheEpollSetWhateverTheTiming() throws {
        let engine = MediaEngine(threads: 2)
        defer { engine.shutdown() }
        let ports = SocketPortAllocator(portMin: 49100, portMax: 49399, owner: engine)
        defer { ports.releaseAll() }
        let lo = Self.loopback
        // A call that stays: its four sockets are polled throughout.
        let keepA = try #require(ports.allocate(on: lo)), keepB = try #require(ports.allocate(on: lo))
        Self.install(engine, keepA, keepB, call: "stays")
        Self.settle(engine)
        #expect(Self.polled(engine) == 4)
        // Short calls released at once (usually before the thread has seen them: the attach
        // and the release reach it together), after the thread has polled them, and at
        // random moments in between (the thread may then poll the placeholder).
        for round in 0..<90 {
            let a = try #require(ports.allocate(on: lo)), b = try #require(ports.allocate(on: lo))
            Self.install(engine, a, b, call: "short-\(round)")
            switch round % 3 {
            case 0: break
            case 1: Self.settle(engine)
            default: usleep(UInt32.random(in: 0...12_000))
            }
            ports.release(a, on: lo)
            ports.release(b, on: lo)
        }
        Self.settle(engine)
        #expect(Self.polled(engine) == 4, "released sockets (or their placeholders) are still polled")
        ports.release(keepA, on: lo)
        ports.release(keepB, on: lo)
        Self.settle(engine)
        #expect(Self.polled(engine) == 0)
    }

    /// The narrow case: the thread has taken the attach but not applied it when the socket
    /// is released, so it polls the placeholder and must remove it when told to detach.
    @Test func aPlaceholderPolledAfterTheSwapIsRemoved() throws {
        let engine = MediaEngine(threads: 1)
        defer { engine.shutdown() }
        let ports = SocketPortAllocator(portMin: 49400, portMax: 49499, owner: engine)
        defer { ports.releaseAll() }
        let lo = Self.loopback
        let a = try #require(ports.allocate(on: lo)), b = try #require(ports.allocate(on: lo))
        let fired = Mutex(false)
        engine.setBeforeApplying {
            guard !fired.withLock({ f in defer { f = true }; return f }) else { return }
            ports.release(a, on: lo)
            ports.release(b, on: lo)
        }
        Self.install(engine, a, b, call: "swapped-before-polled")
        Self.settle(engine)
        engine.setBeforeApplying(nil)
        Self.settle(engine)
        #expect(fired.withLock { $0 })
        #expect(Self.polled(engine) == 0, "the placeholder stayed in the epoll set")
    }
}
