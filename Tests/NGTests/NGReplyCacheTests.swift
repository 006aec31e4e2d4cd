import Testing
@testable import NG

@Suite struct NGReplyCacheTests {
    static let a = NGReplyCache<String>.Key(source: "127.0.0.1:5060", cookie: Array("c1".utf8))
    static let b = NGReplyCache<String>.Key(source: "127.0.0.1:5061", cookie: Array("c1".utf8))

    @Test func repliesAreKeptForTheirLifetimePerSourceAndCookie() {
        var cache = NGReplyCache<String>(lifetime: 30)
        cache.store([1], for: Self.a, now: 100)
        #expect(cache.reply(for: Self.a, now: 129.9) == [1])
        // Same cookie from another source is another request.
        #expect(cache.reply(for: Self.b, now: 110) == nil)
        #expect(cache.reply(for: Self.a, now: 130) == nil)
        #expect(cache.count == 0)
    }

    @Test func capacityDropsTheOldest() {
        var cache = NGReplyCache<String>(lifetime: 30, capacity: 100)
        for i in 0..<250 {
            cache.store([UInt8(i & 0xff)], for: .init(source: "s", cookie: Array(String(i).utf8)), now: 1)
        }
        #expect(cache.count == 100)
        #expect(cache.reply(for: .init(source: "s", cookie: Array("0".utf8)), now: 1) == nil)
        #expect(cache.reply(for: .init(source: "s", cookie: Array("249".utf8)), now: 1) == [249])
    }

    @Test func longAndShortCookiesAreTheirOwnKeys() {
        var cache = NGReplyCache<String>(lifetime: 30)
        let cookies = ["", "a", "abc", String(repeating: "x", count: 24), String(repeating: "x", count: 25),
                       String(repeating: "x", count: 23) + "y", String(repeating: "y", count: 200), String(repeating: "y", count: 201)]
        for (i, c) in cookies.enumerated() { cache.store([UInt8(i)], for: .init(source: "s", cookie: Array(c.utf8)), now: 1) }
        #expect(cache.count == cookies.count)
        for (i, c) in cookies.enumerated() {
            #expect(cache.reply(for: .init(source: "s", cookie: Array(c.utf8)), now: 2) == [UInt8(i)], "\(c.count) bytes")
            // A slice of a larger message names the same key.
            let message = Array((c + " d7:command4:pinge").utf8)
            #expect(cache.reply(for: .init(source: "s", cookie: message[..<c.utf8.count]), now: 2) == [UInt8(i)])
            #expect(cache.reply(for: .init(source: "t", cookie: Array(c.utf8)), now: 2) == nil)
        }
    }

    @Test func manyExpiriesStayBounded() {
        var cache = NGReplyCache<String>(lifetime: 1)
        for i in 0..<20_000 {
            cache.store([0], for: .init(source: "s", cookie: Array(String(i).utf8)), now: Double(i))
        }
        #expect(cache.count == 1)
    }
}

@Suite struct NGStreamFramerTests {
    static func frames(_ chunks: [String]) throws -> [String] {
        var framer = NGStreamFramer()
        var out: [String] = []
        for chunk in chunks {
            framer.append(Array(chunk.utf8))
            while let m = try framer.next() { out.append(String(decoding: m, as: UTF8.self)) }
        }
        return out
    }

    @Test func splitsBackToBackMessages() throws {
        #expect(try Self.frames(["a d7:command4:pingeb d7:command4:pinge"])
                == ["a d7:command4:pinge", "b d7:command4:pinge"])
    }

    @Test func waitsForMessagesSplitAcrossReads() throws {
        #expect(try Self.frames(["a d7:comm", "and4:pi", "nge", "\n", "b {\"command\":", "\"p}i{ng\"}"])
                == ["a d7:command4:pinge", "b {\"command\":\"p}i{ng\"}"])
        #expect(try Self.frames(["a d3:sdp10:0123", "456789e"]) == ["a d3:sdp10:0123456789e"])
    }

    @Test func completeValuesThatAreNotDictionariesAreMessages() throws {
        // The processor answers them "Invalid NG data format"; the stream goes on.
        #expect(try Self.frames(["a l4:pingeb i3", "ec 4:spamd d7:command4:pinge"])
                == ["a l4:pinge", "b i3e", "c 4:spam", "d d7:command4:pinge"])
    }

    @Test func garbageIsAnErrorCarryingTheCookie() {
        #expect(throws: NGStreamFramer.FramingError.malformed(cookie: Array("x".utf8))) {
            try Self.frames(["x garbage"])
        }
        #expect(throws: NGStreamFramer.FramingError.malformed(cookie: Array("y".utf8))) {
            try Self.frames(["y di1ee"])
        }
    }

    @Test func unterminatedMessagesAreBounded() {
        var framer = NGStreamFramer(maxMessageSize: 1000)
        framer.append(Array("c d3:sdp99999:".utf8) + [UInt8](repeating: 0x41, count: 2000))
        #expect(throws: NGStreamFramer.FramingError.tooLarge(cookie: Array("c".utf8))) { try framer.next() }
        var noCookie = NGStreamFramer()
        noCookie.append([UInt8](repeating: 0x41, count: 300))
        #expect(throws: NGStreamFramer.FramingError.malformed(cookie: nil)) { try noCookie.next() }
    }
}
