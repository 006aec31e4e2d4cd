import Bencode
import Foundation
import TestPorts
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The relay under load and at the end of its life: many calls at once, timeouts, shutdown.
@Suite(.serialized) struct RelayLoadTests {
    /// bench/relay's load generator, built with the system C compiler into a temporary folder.
    static func generator() throws -> String {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../bench/relay/rtpgen.c").standardized.path
        let binary = NSTemporaryDirectory() + "rtpgen-\(getpid())"
        let cc = Process()
        cc.executableURL = URL(fileURLWithPath: "/usr/bin/gcc")
        cc.arguments = ["-O2", "-o", binary, source, "-lpthread"]
        try cc.run()
        cc.waitUntilExit()
        guard cc.terminationStatus == 0 else { throw RelayedCall.Failed(description: "gcc failed on \(source)") }
        return binary
    }

    /// Sets up `calls` calls whose phones are the generator's two sockets; returns the
    /// generator's port list (where A and B send for each call).
    static func setUp(_ calls: Int, ng: UInt16, aPort: UInt16, bPort: UInt16) -> [(UInt16, UInt16)] {
        (0..<calls).compactMap { i in
            let id = "load-\(i)"
            let o = ngRequest(ng, [("command", .string("offer")), ("call-id", .string(id)), ("from-tag", .string("a")),
                                   ("sdp", .string(phoneSDP(aPort)))])
            let a = ngRequest(ng, [("command", .string("answer")), ("call-id", .string(id)), ("from-tag", .string("a")),
                                   ("to-tag", .string("b")), ("sdp", .string(phoneSDP(bPort)))])
            guard let toB = o?["sdp"]?.stringValue.flatMap({ mediaPorts($0).first }),
                  let toA = a?["sdp"]?.stringValue.flatMap({ mediaPorts($0).first }) else { return nil }
            return (toA, toB)
        }
    }

    @Test func twoHundredCallsAtTwentyThousandPacketsPerSecondLoseNothing() throws {
        let rtpgen = try Self.generator()
        defer { unlink(rtpgen) }
        let (d, ng) = try startRelayDaemon(portMin: 52000, portMax: 52999)
        defer { d.stop(signal: SIGKILL) }
        let gen = Process()
        gen.executableURL = URL(fileURLWithPath: rtpgen)
        gen.arguments = ["200", "50", "3", "172"]
        let input = Pipe(), output = Pipe()
        gen.standardInput = input
        gen.standardOutput = output
        try gen.run()
        defer { if gen.isRunning { kill(gen.processIdentifier, SIGKILL) } }
        var header = Data()
        while !header.contains(0x0a), let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty { header += byte }
        let phones = String(decoding: header, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { UInt16($0) }
        try #require(phones.count == 2)
        let ports = Self.setUp(200, ng: ng, aPort: phones[0], bPort: phones[1])
        try #require(ports.count == 200, "every call must be set up")
        input.fileHandleForWriting.write(Data(ports.map { "\($0.0) \($0.1)\n" }.joined().utf8))
        try input.fileHandleForWriting.close()
        // Mid-run, the live rate is about 20k packets per second.
        usleep(2_200_000)
        let live = ngRequest(ng, [("command", .string("statistics"))])?["statistics"]?["currentstatistics"]
        let rate = live?["packetrate"]?.integerValue ?? 0
        #expect(rate > 15_000 && rate < 25_000, "packetrate \(rate)")
        #expect((live?["byterate"]?.integerValue ?? 0) > 15_000 * 172)
        gen.waitUntilExit()
        let result = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let numbers = result.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        try #require(numbers.count == 2, "generator said: \(result)")
        #expect(numbers[0] >= 200 * 2 * 50 * 3 * 9 / 10, "the generator must have sent about 20k pps for 3 s")
        #expect(numbers[1] == numbers[0], "no loss: sent \(numbers[0]), relayed \(numbers[1])")
        let total = ngRequest(ng, [("command", .string("statistics"))])?["statistics"]?["totalstatistics"]
        #expect(total?["relayedpackets"]?.integerValue == Int64(numbers[1]))
        #expect(total?["relayedbytes"]?.integerValue == Int64(numbers[1] * 172))
        // The counters agree: every call saw its share on both sides.
        let q = ngRequest(ng, [("command", .string("query")), ("call-id", .string("load-7"))])
        let fromA = q?["tags"]?["a"]?["medias"]?[0]?["streams"]?[0]?["stats"]?["packets"]?.integerValue ?? 0
        #expect(fromA >= 140, "call 7 relayed \(fromA) packets from A")
    }

    @Test func sigintWithAThousandCallsExitsQuicklyAndUnbindsEverything() throws {
        // 2000 pairs and 200 spare ones, outside the ephemeral range: the test checks every port.
        try #require(outsideEphemeralRange(61010...65209), "media range overlaps the kernel's ephemeral ports")
        let (d, ng) = try startRelayDaemon(portMin: 61010, portMax: 65209)
        defer { d.stop(signal: SIGKILL) }
        let a = UDPPeer(), b = UDPPeer()
        let ports = Self.setUp(1000, ng: ng, aPort: a.port, bPort: b.port)
        try #require(ports.count == 1000)
        // Media flowing on some of them while the signal arrives.
        for (toA, toB) in ports.prefix(100) {
            a.send(rtpPacket(seq: 1), to: toA)
            b.send(rtpPacket(seq: 1), to: toB)
        }
        let (status, seconds) = d.stop(signal: SIGINT)
        #expect(status == 0)
        #expect(seconds < 2, "took \(seconds) s")
        let stillBound = ports.flatMap { [$0.0, $0.0 + 1, $0.1, $0.1 + 1] }.filter { !portIsFree("127.0.0.1", $0) }
        #expect(stillBound.isEmpty, "\(stillBound.count) media ports still bound")
    }

    @Test func mediaTimeoutsEndCallsAndAreCounted() throws {
        let (d, ng) = try startRelayDaemon(portMin: 57700, extra: ["--timeout=1", "--offer-timeout=2"])
        defer { d.stop(signal: SIGKILL) }
        let live = RelayedCall(ng: ng, callID: "live")
        try live.establish()
        let silent = RelayedCall(ng: ng, callID: "silent")
        try silent.establish()
        _ = ngRequest(ng, [("command", .string("offer")), ("call-id", .string("unanswered")), ("from-tag", .string("x")),
                           ("sdp", .string(phoneSDP(live.a.port)))])
        // Keep one call's media flowing for 3.5 s; the other stays silent.
        let end = Date().addingTimeInterval(3.5)
        var seq: UInt16 = 0
        while Date() < end {
            live.a.send(rtpPacket(seq: seq), to: live.aSendsTo)
            seq &+= 1
            usleep(100_000)
        }
        let list = ngRequest(ng, [("command", .string("list"))])?["calls"]
        let ids: [String] = (0..<10).compactMap { list?[$0]?.stringValue }
        #expect(ids == ["live"], "only the call with media survives, got \(ids)")
        let stats = ngRequest(ng, [("command", .string("statistics"))])?["statistics"]?["totalstatistics"]
        #expect(stats?["timeoutsessions"]?.integerValue == 1)
        #expect(stats?["offertimeoutsessions"]?.integerValue == 1)
        #expect(ngRequest(ng, [("command", .string("query")), ("call-id", .string("silent"))])?["error-reason"]?.stringValue
                == "Unknown call-id")
    }
}
