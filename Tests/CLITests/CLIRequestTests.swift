import Testing
@testable import CLI

@Suite struct CLIRequestTests {
    @Test(arguments: [
        ("list numsessions", CLIRequest.list(.numSessions)),
        ("get numsessions", .list(.numSessions)),
        ("list timeout x", .list(.timeout)),
        ("list sessions all", .list(.sessions(.all))),
        ("list sessions own", .list(.sessions(.own))),
        ("list sessions foreign", .list(.sessions(.foreign))),
        ("list sessions all x", .list(.sessions(.callID("all x")))),
        ("list sessions abc@host", .list(.sessions(.callID("abc@host")))),
        ("list loglevel", .list(.logLevel(subsystem: nil))),
        ("get loglevel core", .list(.logLevel(subsystem: "core"))),
        ("set loglevel 5", .setLogLevel(subsystem: nil, level: 5)),
        ("set loglevel core 7", .setLogLevel(subsystem: "core", level: 7)),
        ("set loglevel core x", .setLogLevel(subsystem: "core", level: 0)),
        ("set maxsessions 10abc", .set(.maxSessions, value: "10abc")),
        ("set timeout 5 6", .set(.timeout, value: "5")),
        ("set deletedelay 5", .set(.deleteDelay, value: "5")),
        ("terminate all", .terminate(.all)),
        ("terminate all x", .terminate(.callID("all x"))),
        ("terminate abc", .terminate(.callID("abc"))),
        ("help", .help(.top)),
        ("list help", .help(.list)),
        ("set help", .help(.set)),
        ("kslist", .unsupported("kslist")),
        ("list maxcpu", .unsupported("list maxcpu")),
    ])
    func parses(_ line: String, _ expected: CLIRequest) throws {
        #expect(try CLIRequest.parse(line) == expected)
    }

    @Test(arguments: [
        ("list", CLIRequest.ParseError.moreParameters),
        ("set", .moreParameters),
        ("terminate", .moreParameters),
        ("list sessions", .moreParameters),
        ("set timeout", .moreParameters),
        ("set loglevel", .moreParameters),
        ("set loglevel x", .moreParameters),
        ("set loglevel -1", .moreParameters),
        ("bogus", .unknown("bogus")),
        ("list foo", .unknown("foo")),
        ("set foo 1", .unknown("foo 1")),
        ("LIST timeout", .unknown("LIST timeout")),
        ("  list timeout", .unknown("  list timeout")),
        ("", .unknown("")),
    ])
    func refuses(_ line: String, _ expected: CLIRequest.ParseError) {
        #expect(throws: expected) { try CLIRequest.parse(line) }
    }

    @Test func ctlFindsTheListenerAsTheReferenceToolDoes() {
        func run(_ args: [String], config: String? = nil) -> CtlInvocation.Action {
            CtlInvocation.parse(args) { _, instance in instance == nil ? config : nil }
        }
        #expect(run(["list", "totals"]) == .run(.init(host: "127.0.0.1", port: 9900, command: "list totals")))
        #expect(run(["-ip", "10.0.0.1:9901", "list", "numsessions"]) == .run(.init(host: "10.0.0.1", port: 9901, command: "list numsessions")))
        #expect(run(["-ip", "10.0.0.1:9901", "-port", "9999", "list"]) == .run(.init(host: "10.0.0.1", port: 9999, command: "list")))
        #expect(run(["--ip=::1", "--port=7", "x"]) == .run(.init(host: "::1", port: 7, command: "x")))
        #expect(run(["-ip", "[::1]:8000", "x"]) == .run(.init(host: "::1", port: 8000, command: "x")))
        #expect(run(["list", "totals"], config: "9911") == .run(.init(host: "127.0.0.1", port: 9911, command: "list totals")))
        #expect(run(["list", "totals"], config: "127.0.0.2:9912") == .run(.init(host: "127.0.0.2", port: 9912, command: "list totals")))
        #expect(run(["-port", "1", "list"], config: "127.0.0.2:9912") == .run(.init(host: "127.0.0.2", port: 1, command: "list")))
        // Options stop at the first command word; later dashes belong to the command.
        #expect(run(["set", "maxsessions", "-1"]) == .run(.init(host: "127.0.0.1", port: 9900, command: "set maxsessions -1")))
        let instances = { (args: [String]) in
            CtlInvocation.parse(args) { _, instance in ["a": "127.0.0.1:9901", "b": "9902"][instance ?? "-"] }
        }
        #expect(instances(["-instance", "a", "list"]) == .run(.init(host: "127.0.0.1", port: 9901, command: "list")))
        #expect(instances(["--instance=b", "list"]) == .run(.init(host: "127.0.0.1", port: 9902, command: "list")))
        #expect(instances(["-instance", "c", "list"]) == .usageError("instance 'c' in /etc/rtpengine/rtpengine.conf has no listen-cli"))
        #expect(run(["-h"]) == .help)
        #expect(run([]) == .usageError("no command given"))
        #expect(run(["-port", "70000", "list"]) == .usageError("port 70000 is out of range"))
        #expect(run(["-bogus", "list"]) == .usageError("unknown option -bogus"))
    }
}
