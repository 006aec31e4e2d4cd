import Bencode
import NetAddress
@testable import Session
import Synchronization
import Testing
@testable import CLI

/// A daemon stand-in: settings, log levels and calls the tests set.
final class FakeBackend: CLIBackend {
    struct State {
        var settings = CallRegistry.Settings(interfaces: [])
        var calls: [CallSummary] = []
        var levels = [LogSubsystemLevel(name: "core", description: "Everything else", level: 6),
                      LogSubsystemLevel(name: "internals", description: "Noisy", level: -1)]
        var terminated: [String] = []
    }
    let state = Mutex(State())
    let stats: BencodeValue

    init(stats: BencodeValue = .dictionary([])) { self.stats = stats }

    func statistics() -> BencodeValue { stats }
    func summaries() -> [CallSummary] { state.withLock { $0.calls } }
    func summary(callID: String) -> CallSummary? { state.withLock { $0.calls.first { $0.callID == callID } } }
    func terminate(callID: String) -> Bool {
        state.withLock { s in
            guard s.calls.contains(where: { $0.callID == callID }) else { return false }
            s.calls.removeAll { $0.callID == callID }
            s.terminated.append(callID)
            return true
        }
    }
    func terminateAll() { state.withLock { $0.calls.removeAll() } }
    var settings: CallRegistry.Settings { state.withLock { $0.settings } }
    func updateSettings(_ change: (inout CallRegistry.Settings) -> Void) { state.withLock { change(&$0.settings) } }
    var logLevels: [LogSubsystemLevel] { state.withLock { $0.levels } }
    func setLogLevel(_ level: Int, subsystem: String?) -> Bool {
        state.withLock { s in
            guard subsystem == nil || s.levels.contains(where: { $0.name == subsystem }) else { return false }
            for i in s.levels.indices where subsystem == nil || s.levels[i].name == subsystem { s.levels[i].level = level }
            return true
        }
    }
    var openFiles: (limit: Int, pid: Int32) { (20000, 42) }
    var controlTOS: Int { 0 }
    var now: Double { 1_000_000.5 }
}

/// The call the reference printed for `list sessions call-one` after 3 PCMA packets from A.
func sampleCall() -> CallSummary {
    let lo = IPAddress("127.0.0.1")!
    func stream(_ local: UInt16, _ remote: UInt16?, rtcp: Bool, packets: UInt64 = 0) -> CallSummary.Stream {
        var c = StreamCounters()
        if packets > 0 {
            c.packets = packets
            c.bytes = 516
            c.ssrc = 0x0102_0304
            c.lastPacket = 1_000_000.2
        }
        return CallSummary.Stream(local: Endpoint(address: lo, port: local), endpoint: remote.map { Endpoint(address: lo, port: $0) },
                                  isRTCP: rtcp, counters: c)
    }
    return CallSummary(
        callID: "call-one", created: 1_000_000, lastSignal: 1_000_000, proxy: "127.0.0.1:47304", tos: 0, deleted: false,
        tags: [
            .init(tag: "a", kind: .fromTag, label: "", branch: "", created: 1_000_000.25, subscriptions: ["b"], medias: [
                .init(index: 1, type: "audio", proto: "RTP/AVP", codec: "PCMA/8000",
                      streams: [stream(41018, 5000, rtcp: false, packets: 3), stream(41019, 5001, rtcp: true)]),
            ]),
            .init(tag: "", kind: .unknown, label: "", branch: "", created: 1_000_000.25, subscriptions: ["a"], medias: [
                .init(index: 1, type: "audio", proto: "RTP/AVP", codec: nil,
                      streams: [stream(41000, nil, rtcp: false), stream(41001, nil, rtcp: true)]),
            ]),
        ],
        families: .ipv4Only)
}

@Suite struct CLIInterpreterTests {
    @Test func sessionTextHasTheReferenceLayout() {
        let backend = FakeBackend()
        #expect(CLIInterpreter.answer("list sessions all", backend: backend) == "No sessions on this media relay.\n")
        #expect(CLIInterpreter.answer("list sessions own", backend: backend) == "No own sessions on this media relay.\n")
        backend.state.withLock { $0.calls = [sampleCall()] }
        #expect(CLIInterpreter.answer("list sessions all", backend: backend) ==
            "callid:                                                     call-one | deletionmark:  no | created:     1000000 | proxy:127.0.0.1:47304 | redis_keyspace:0 | foreign:no\n")
        #expect(CLIInterpreter.answer("list sessions foreign", backend: backend) == "No foreign sessions on this media relay.\n")
        #expect(CLIInterpreter.answer("list sessions call-one", backend: backend) == """

            callid: call-one
            deletionmark: no
            created: 1000000
            proxy: 127.0.0.1:47304
            tos: 0
            last_signal: 1000000
            redis_keyspace: 0
            foreign: no

            --- Tag 'a', type: FROM_TAG, label '', branch '', callduration 0.250000
            ---     subscribed to 'b'
            ---     subscription of 'b'
            ------ Media #1 (audio over RTP/AVP) using PCMA/8000
            -------- Port       127.0.0.1:41018 <>       127.0.0.1:5000 , SSRC 1020304, 3 p, 516 b, 0 e, 1000000 ts
            -------- Port       127.0.0.1:41019 <>       127.0.0.1:5001  (RTCP), SSRC 0, 0 p, 0 b, 0 e, 1000000 ts
            --- Tag '', type: UNKNOWN, label '', branch '', callduration 0.250000
            ---     subscribed to 'a'
            ---     subscription of 'a'
            ------ Media #1 (audio over RTP/AVP) using unknown codec
            -------- Port       127.0.0.1:41000 <>                :0    , SSRC 0, 0 p, 0 b, 0 e, 1000000 ts
            -------- Port       127.0.0.1:41001 <>                :0     (RTCP), SSRC 0, 0 p, 0 b, 0 e, 1000000 ts


            """)
        #expect(CLIInterpreter.answer("list sessions nope", backend: backend) == "\nCall ID not found (nope).\n\n")
        #expect(CLIInterpreter.answer("list numsessions", backend: backend) == """
            Current sessions own: 1
            Current sessions foreign: 0
            Current sessions total: 1
            Current transcoded media: 0
            Current sessions ipv4 only media: 1
            Current sessions ipv6 only media: 0
            Current sessions ip mixed  media: 0

            """)
        #expect(CLIInterpreter.answer("terminate nope", backend: backend) == "\nCall Id not found (nope).\n\n")
        #expect(CLIInterpreter.answer("terminate call-one", backend: backend) == "\nCall Id (call-one) successfully terminated by operator.\n\n")
        #expect(backend.state.withLock { $0.terminated } == ["call-one"])
        #expect(CLIInterpreter.answer("terminate all", backend: backend) == "All calls terminated by operator.\n")
    }

    @Test func setChangesSettingsWithTheReferenceReplies() {
        let backend = FakeBackend()
        let cases: [(String, String)] = [
            ("set maxsessions 10", "Success setting maxsessions to 10\n"),
            ("get maxsessions", "Maximum sessions configured on rtpengine: 10\n"),
            ("set maxsessions x", "Fail setting maxsessions to x; no digists found\n"),
            ("set maxsessions -5", "Fail setting maxsessions to -5; either positive or -1 values allowed\n"),
            ("get maxsessions", "Maximum sessions configured on rtpengine: 10\n"),
            ("set maxsessions -1", "Success setting maxsessions to -1; disable feature\n"),
            ("set timeout 30", "Success setting timeout to 30\n"),
            ("list timeout", "TIMEOUT=30\n"),
            ("set timeout -3", "Fail setting timeout to -3; errno=0\n"),
            ("set timeout abc", "Fail setting timeout to abc; no digists found\n"),
            ("set silenttimeout 40", "Success setting timeout to 40\n"),
            ("list silenttimeout", "SILENT_TIMEOUT=40\n"),
            ("set finaltimeout 50", "Success setting timeout to 50\n"),
            ("list finaltimeout", "FINAL_TIMEOUT=50\n"),
            ("set offertimeout 55x", "Success setting timeout to 55\n"),
            ("list offertimeout", "OFFER_TIMEOUT=55\n"),
            ("set deletedelay 5", "Success setting delete-delay to 5\n"),
            ("get deletedelay", "5\n"),
            ("set deletedelay -1", "Invalid delete-delay value\n"),
            ("list maxopenfiles", "Maximum open-files configured on rtpengine: 20000; cat /proc/42/limits\n"),
            ("list controltos", "0\n"),
            ("list transcoders", "No stats entries\n"),
            ("list", "More parameters required.\n"),
            ("bogus", "Unknown or incomplete command::bogus\n"),
        ]
        for (line, expected) in cases {
            #expect(CLIInterpreter.answer(line, backend: backend) == expected, "\(line)")
        }
        let s = backend.settings
        #expect(s.maxSessions == -1 && s.timeout == 30 && s.silentTimeout == 40 && s.finalTimeout == 50)
        #expect(s.offerTimeout == 55 && s.deleteDelay == 5)
    }

    @Test func logLevels() {
        let backend = FakeBackend()
        #expect(CLIInterpreter.answer("get loglevel", backend: backend) == "core = 6\ninternals = -1\n")
        #expect(CLIInterpreter.answer("list loglevels", backend: backend) == "core - Everything else\ninternals - Noisy\n")
        #expect(CLIInterpreter.answer("set loglevel 5", backend: backend) == "Success setting loglevel to 5\n")
        #expect(CLIInterpreter.answer("set loglevel core 7", backend: backend) == "Success setting loglevel to 7\n")
        #expect(CLIInterpreter.answer("get loglevel", backend: backend) == "core = 7\ninternals = 5\n")
        #expect(CLIInterpreter.answer("get loglevel core", backend: backend) == "7\n")
        #expect(CLIInterpreter.answer("get loglevel nosuch", backend: backend) == "")
        // rtpengine reports success for a subsystem it does not have; a typo should show.
        #expect(CLIInterpreter.answer("set loglevel nosuch 5", backend: backend).hasPrefix("Unknown log subsystem 'nosuch'"))
    }

    @Test func totalsInterfacesAndJSONFromTheStatisticsDictionary() {
        let stats = BencodeValue.dictionary([
            ("currentstatistics", .dictionary([("sessionsown", .integer(2)), ("sessionsforeign", .integer(0))])),
            ("totalstatistics", .dictionary([("uptime", .string("12")), ("managedsessions", .integer(3))])),
            ("intervalstatistics", .dictionary([
                ("totalcallsduration", .string("0.000000")), ("minmanagedsessions", .integer(0)), ("maxmanagedsessions", .integer(0)),
                ("minpingdelay", .string("0.1")), ("maxpingdelay", .string("0.2")), ("avgpingdelay", .string("0.3")),
                ("minpingrequestrate", .string("0")), ("maxpingrequestrate", .string("0")), ("avgpingrequestrate", .string("0")),
            ])),
            ("controlstatistics", .dictionary([("proxies", .list([.dictionary([
                ("proxy", .string("127.0.0.1")), ("pingcount", .integer(4)), ("pingduration", .string("0.000001")),
                ("offercount", .integer(2)), ("offerduration", .string("0.1")), ("errorcount", .integer(1)),
            ])]))])),
            ("interfaces", .list([.dictionary([
                ("name", .string("default")), ("address", .string("127.0.0.1")),
                ("ports", .dictionary([("min", .integer(41000)), ("max", .integer(41100)), ("used", .integer(8)),
                                       ("used_pct", .string("7.92")), ("free", .integer(93)), ("totals", .integer(101)),
                                       ("last", .integer(41034))])),
            ])])),
        ])
        let backend = FakeBackend(stats: stats)
        let totals = CLIInterpreter.answer("list totals", backend: backend)
        #expect(totals.hasPrefix("\nStatistics over currently running sessions:\n\n Owned sessions                                  :2\n Foreign sessions                                :0\n\nTotal statistics"))
        #expect(totals.contains("\n Uptime of rtpengine                             :12 seconds\n Total managed sessions                          :3\n\n\nGraphite"))
        #expect(totals.contains("\n Min/Max/Avg ping processing delay               :0.1/0.2/0.3 sec\n"))
        #expect(totals.contains("\n Min/Max/Avg ping requests per second            :0/0/0 per sec\n"))
        #expect(totals.hasSuffix("\n                Proxy |       Ping |      Offer |     Answer |")
            == false)
        #expect(totals.contains("\n            127.0.0.1 |          4 |          2 \n\n\n\n\n"))
        #expect(CLIInterpreter.answer("list interfaces", backend: backend) ==
            "Interface 'default' address '127.0.0.1' (IPv4)\n Port range: 41000 - 41100\n Ports used:     8 /   101 (  7.9%)\n Last port used: 41034\n")
        let json = CLIInterpreter.answer("list jsonstats", backend: backend)
        #expect(json.hasPrefix(#"{"currentstatistics":{"sessionsown":2,"sessionsforeign":0},"totalstatistics":{"uptime":12,"managedsessions":3}"#))
        #expect(json.contains(#"{"proxy":"127.0.0.1","pingcount":4,"pingduration":0.000001,"#))
        #expect(json.contains(#""name":"default","address":"127.0.0.1","#))
        #expect(json.contains(#""used_pct":7.92,"#))
    }
}
