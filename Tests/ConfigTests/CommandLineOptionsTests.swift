import Testing
@testable import Config

@Suite struct CommandLineOptionsTests {
    static func parse(_ args: String) throws -> CommandLineOptions {
        try CommandLineOptions.parse(args.split(separator: " ").map(String.init))
    }

    @Test(arguments: ["-t -1", "-t-1", "--table=-1", "--table -1"])
    func negativeNumbersAreValuesInEveryForm(args: String) throws {
        #expect(try Self.parse(args).values["table"] == .int(-1))
    }

    @Test func repeatedListOptionsAccumulateAndScalarsKeepTheLast() throws {
        let cl = try Self.parse("-i 127.0.0.1 --interface=pub/::1 -i priv:1/lo -L 5 --log-level=7")
        #expect(cl.values["interface"] == .stringList(["127.0.0.1", "pub/::1", "priv:1/lo"]))
        #expect(cl.values["log-level"] == .int(7))
    }

    @Test func bundledFlagsAndAttachedValues() throws {
        let cl = try Self.parse("-fEL7")
        #expect(cl.values["foreground"] == .flag(true))
        #expect(cl.values["log-stderr"] == .flag(true))
        #expect(cl.values["log-level"] == .int(7))
    }

    @Test func doubleDashEndsOptions() throws {
        let cl = try Self.parse("-f -- -t 5 extra")
        #expect(cl.values["foreground"] == .flag(true))
        #expect(cl.values["table"] == nil)
        #expect(cl.trailing == ["-t", "5", "extra"])
    }

    @Test func theIssueExampleCommandLine() throws {
        let cl = try Self.parse("--config-file=none -t -1 -i 127.0.0.1 -i ::1 -n 2223 -c 12345 -f -L 7 -E -u 2222 --silence-detect=1")
        #expect(cl.values["config-file"] == .string("none"))
        #expect(cl.values["interface"] == .stringList(["127.0.0.1", "::1"]))
        #expect(cl.values["listen-ng"] == .stringList(["2223"]))
        #expect(cl.values["listen-cli"] == .string("12345"))
        #expect(cl.values["listen-udp"] == .string("2222"))
        #expect(cl.values["silence-detect"] == .double(1))
    }

    @Test func intListsAcceptRepeatsAndSpaceSeparatedValues() throws {
        let cl = try CommandLineOptions.parse(["--dtx-cn-params=60 10", "--dtx-cn-params", "5"])
        #expect(cl.values["dtx-cn-params"] == .intList([60, 10, 5]))
    }

    static let errors: [(String, ConfigError)] = [
        ("--bogus", .unknownOption("--bogus")),
        ("-Z", .unknownOption("-Z")),
        ("-t", .missingArgument(option: "table")),
        ("--table", .missingArgument(option: "table")),
        ("--foreground=yes", .unexpectedArgument(option: "foreground", value: "yes")),
        ("-t abc", .badValue(option: "table", value: "abc", reason: "not an integer", file: nil)),
        ("--table=1x", .badValue(option: "table", value: "1x", reason: "not an integer", file: nil)),
        ("-t 64", .badValue(option: "table", value: "64", reason: "must be between -1 and 63", file: nil)),
        ("-L 9", .badValue(option: "log-level", value: "9", reason: "must be between 0 and 7", file: nil)),
        ("-m 0", .badValue(option: "port-min", value: "0", reason: "must be between 1 and 65535", file: nil)),
        ("--silence-detect=abc", .badValue(option: "silence-detect", value: "abc", reason: "not a number", file: nil)),
        ("--endpoint-learning=foo", .badValue(option: "endpoint-learning", value: "foo",
            reason: "must be one of: delayed, immediate, off, heuristic", file: nil)),
        ("-i 1.2.3.4!eth0", .badValue(option: "interface", value: "1.2.3.4!eth0",
            reason: "advertised address 'eth0' is not an IP address", file: nil)),
        ("-n 127.0.0.1:99999", .badValue(option: "listen-ng", value: "127.0.0.1:99999",
            reason: "'99999' is not a port number (1-65535)", file: nil)),
        ("stray", .unexpectedPositional("stray")),
    ]

    @Test(arguments: errors)
    func badInputIsRejectedNamingOptionAndValue(args: String, expected: ConfigError) {
        #expect(throws: expected) { try Self.parse(args) }
    }

    @Test func badValueMessageNamesOptionAndValue() {
        let e = ConfigError.badValue(option: "table", value: "abc", reason: "not an integer", file: nil)
        #expect(e.description == "--table: invalid value 'abc': not an integer")
        let f = ConfigError.badValue(option: "table", value: "abc", reason: "not an integer", file: "/x.conf")
        #expect(f.description == "/x.conf: key 'table': invalid value 'abc': not an integer")
    }
}
