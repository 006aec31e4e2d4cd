import Testing
import Bencode
@testable import NG

/// Replies as the reference rtpengine 10.5 gives them for the same datagrams.
@Suite struct NGProcessorTests {
    static func reply(_ text: String) -> String? {
        NGProcessor().handle(Array(text.utf8)).reply.map { String(decoding: $0, as: UTF8.self) }
    }

    static let cases: [(String, String?)] = [
        ("x d7:command4:pinge", "x d6:result4:ponge"),
        ("cookie-123 d7:command4:pinge", "cookie-123 d6:result4:ponge"),
        ("z d7:command3:fooe", "z d6:result5:error12:error-reason20:Unrecognized commande"),
        ("m d7:command4:PINGe", "m d6:result5:error12:error-reason20:Unrecognized commande"),
        ("a garbage", "a d6:result5:error12:error-reason22:Invalid NG data formate"),
        ("e l4:pinge", "e d6:result5:error12:error-reason22:Invalid NG data formate"),
        ("f i3e", "f d6:result5:error12:error-reason22:Invalid NG data formate"),
        ("h d7:commandi3ee", "h d6:result5:error12:error-reason36:Dictionary contains no key \"command\"e"),
        ("i de", "i d6:result5:error12:error-reason36:Dictionary contains no key \"command\"e"),
        ("l d7:command9:statisticse", "l d6:result5:error12:error-reason35:Could not decode bencode dictionarye"),
        ("k d7:command4:pinge3:xyz", "k d6:result4:ponge"),
        ("g {\"command\":\"ping\"}", "g {\"result\":\"pong\"}"),
        ("g2 { \"command\" : \"ping\", \"flags\": [\"a\", 1, true, null, 2.5] }", "g2 {\"result\":\"pong\"}"),
        ("j {\"command\":", "j {\"result\":\"error\",\"error-reason\":\"Could not decode JSON dictionary\"}"),
        ("j2 [\"ping\"]", "j2 d6:result5:error12:error-reason22:Invalid NG data formate"),
        ("noSpace", nil),
        (" d7:command4:pinge", nil),
    ]

    @Test(arguments: cases)
    func repliesLikeTheReference(request: String, expected: String?) {
        #expect(Self.reply(request) == expected)
    }

    @Test func knownButUnbuiltCommandsSaySo() {
        let outcome = NGProcessor().handle(Array("c d7:command5:offer7:call-id1:xe".utf8))
        #expect(outcome.command == "offer")
        #expect(outcome.error == .unsupportedCommand(.offer))
        let reply = String(decoding: outcome.reply!, as: UTF8.self)
        #expect(reply.contains("not supported"))
        #expect(NGProcessor().handle(Array("c d7:command15:start recordinge".utf8)).error
                == .unsupportedCommand(.startRecording))
    }

    @Test func hostileInputNeverCrashes() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let n = Int.random(in: 0..<64, using: &rng)
            var bytes = Array("x ".utf8)
            for _ in 0..<n { bytes.append(Array("dlie0123456789:{}[]\",".utf8).randomElement(using: &rng)!) }
            let outcome = NGProcessor().handle(bytes)
            #expect(outcome.reply != nil)
        }
        let deep = "x {\"a\":" + String(repeating: "[", count: 100_000)
        #expect(NGProcessor().handle(Array(deep.utf8)).error == .undecodableJSON)
        let deepB = "x d1:a" + String(repeating: "l", count: 100_000)
        #expect(NGProcessor().handle(Array(deepB.utf8)).error == .undecodableBencode)
    }
}

@Suite struct NGJSONTests {
    @Test func decodesEscapesAndUnicode() throws {
        let v = try #require(NGJSON.decode(Array(#"{"a":"x\"y\\z\n\u00e9\ud83d\ude00","n":-5}"#.utf8)))
        #expect(v["a"]?.stringValue == "x\"y\\z\né😀")
        #expect(v["n"] == .integer(-5))
    }

    @Test(arguments: [#"{"a":"\ud83d"}"#, #"{"a":"x"#, #"{"a" "b"}"#, #"{"a":1,}"#, #"{"a":"\q"}"#, "{} x"])
    func rejectsMalformed(text: String) {
        #expect(NGJSON.decode(Array(text.utf8)) == nil)
    }

    @Test func encodesControlCharacters() {
        let out = NGJSON.encode(.dictionary([("sdp", .string("v=0\r\n\u{01}\"q\""))]))
        #expect(String(decoding: out, as: UTF8.self) == #"{"sdp":"v=0\r\n\u0001\"q\""}"#)
    }
}
