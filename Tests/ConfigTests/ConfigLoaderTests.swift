import Foundation
import Testing
@testable import Config

@Suite struct ConfigLoaderTests {
    /// Writes `text` to a fresh temporary file and returns its path.
    static func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "rtpengine-test-\(UUID().uuidString).conf"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func load(_ args: [String]) throws -> ResolvedOptions {
        try ConfigLoader.load(arguments: args) { FileManager.default.fileExists(atPath: $0) }
    }

    static let sample = """
        [rtpengine]
        # an operator's existing file
        table = 5
        interface = int/10.0.0.1;ext/192.0.2.1!203.0.113.1
        listen-ng = 127.0.0.1:2223
        foreground = true
        log-level = 5
        port-min = 40000
        port-max = 41000
        silence-detect = 0.5
        dtx-cn-params = 60;10

        [rtpengine-testing]
        table = -1
        interface = 127.0.0.1
        log-level = 7
        """

    @Test func fileValuesAreTypedAndListsSplitOnSemicolons() throws {
        let path = try Self.file(Self.sample)
        defer { unlink(path) }
        let o = try Self.load(["--config-file=\(path)"])
        #expect(o.configFile == path)
        #expect(o.int("table") == 5)
        #expect(o.strings("interface") == ["int/10.0.0.1", "ext/192.0.2.1!203.0.113.1"])
        #expect(o.strings("listen-ng") == ["127.0.0.1:2223"])
        #expect(o.flag("foreground"))
        #expect(o.double("silence-detect") == 0.5)
        #expect(o.value("dtx-cn-params") == .intList([60, 10]))
        #expect(o.origins["table"] == .configFile(path))
        // Not set anywhere: the registry default.
        #expect(o.int("timeout") == 60)
        #expect(!o.isSet("timeout"))
    }

    @Test func commandLineOverridesTheFileListsIncluded() throws {
        let path = try Self.file(Self.sample)
        defer { unlink(path) }
        let o = try Self.load(["--config-file", path, "-t", "-1", "-i", "127.0.0.1", "--port-max=50000"])
        #expect(o.int("table") == -1)
        #expect(o.origins["table"] == .commandLine)
        #expect(o.strings("interface") == ["127.0.0.1"])
        #expect(o.int("port-max") == 50000)
        #expect(o.int("port-min") == 40000)
    }

    @Test func configSectionSelectsAnotherSection() throws {
        let path = try Self.file(Self.sample)
        defer { unlink(path) }
        let o = try Self.load(["--config-file=\(path)", "--config-section=rtpengine-testing"])
        #expect(o.section == "rtpengine-testing")
        #expect(o.int("table") == -1)
        #expect(o.int("log-level") == 7)
        #expect(!o.isSet("port-min"))
        #expect(throws: ConfigError.sectionMissing(path: path, section: "nope")) {
            try Self.load(["--config-file=\(path)", "--config-section=nope"])
        }
    }

    @Test func explicitMissingFileIsFatalAndNamesThePath() {
        #expect(throws: ConfigError.configFileMissing(path: "/nonexistent/x.conf")) {
            try Self.load(["--config-file=/nonexistent/x.conf"])
        }
        #expect(ConfigError.configFileMissing(path: "/nonexistent/x.conf").description.contains("/nonexistent/x.conf"))
    }

    @Test func noneSkipsAndTheDefaultFileIsReadOnlyWhenPresent() throws {
        var asked: [String] = []
        let none = try ConfigLoader.load(arguments: ["--config-file=none"]) { asked.append($0); return true }
        #expect(none.configFile == nil)
        #expect(asked.isEmpty)
        let absent = try ConfigLoader.load(arguments: []) { asked.append($0); return false }
        #expect(absent.configFile == nil)
        #expect(asked == [ConfigLoader.defaultPath])
    }

    @Test func badFileValuesNameFileKeyAndValue() throws {
        let cases: [(String, ConfigError)] = [
            ("table = abc", .badValue(option: "table", value: "abc", reason: "not an integer", file: "")),
            ("table = 99", .badValue(option: "table", value: "99", reason: "must be between -1 and 63", file: "")),
            ("foreground = maybe", .badValue(option: "foreground", value: "maybe",
                reason: "expected a boolean (true or false)", file: "")),
            ("interface = ok/1.2.3.4;bad/1.2.3.4!nope", .badValue(option: "interface", value: "bad/1.2.3.4!nope",
                reason: "advertised address 'nope' is not an IP address", file: "")),
            ("endpoint-learning = sometimes", .badValue(option: "endpoint-learning", value: "sometimes",
                reason: "must be one of: delayed, immediate, off, heuristic", file: "")),
        ]
        for (line, expected) in cases {
            let path = try Self.file("[rtpengine]\n\(line)\n")
            defer { unlink(path) }
            guard case .badValue(let o, let v, let r, _) = expected else { continue }
            #expect(throws: ConfigError.badValue(option: o, value: v, reason: r, file: path)) {
                try Self.load(["--config-file=\(path)"])
            }
        }
    }

    @Test func syntaxErrorsAndUnknownKeys() throws {
        let broken = try Self.file("[rtpengine]\nthis line is broken\n")
        defer { unlink(broken) }
        do {
            _ = try Self.load(["--config-file=\(broken)"])
            Issue.record("expected a syntax error")
        } catch let ConfigError.configFileUnreadable(path, reason) {
            #expect(path == broken)
            #expect(reason.contains("this line is broken"))
        }
        let unknown = try Self.file("[rtpengine]\ntabel = 1\nhelp = true\n")
        defer { unlink(unknown) }
        let o = try Self.load(["--config-file=\(unknown)"])
        #expect(o.warnings.contains { $0.contains("unknown key 'tabel'") })
        #expect(o.warnings.contains { $0.contains("'help' only works on the command line") })
    }

    @Test func unbuiltOptionsAreReportedNotIgnored() throws {
        let o = try Self.load(["--config-file=none", "--silence-detect=1", "-u", "2222", "-L", "7", "-f"])
        let names = o.notBuiltOptions.map(\.spec.long)
        #expect(names.contains("silence-detect"))
        #expect(names.contains("listen-udp"))
        #expect(!names.contains("log-level"))
        #expect(!names.contains("foreground"))
    }

    @Test func daemonConfigChecksAcrossOptions() throws {
        let ok = try DaemonConfig(Self.load(["--config-file=none", "-i", "lo/127.0.0.1", "-n", "2223"]))
        #expect(ok.listenNG == [ListenAddress(host: .any, port: 2223)])
        #expect(ok.interfaces.map(\.name) == ["lo"])
        #expect(ok.table == 0 && ok.logLevel == 6 && ok.portMin == 30000 && ok.portMax == 40000)
        #expect(throws: ConfigError.self) {
            try DaemonConfig(Self.load(["--config-file=none", "-i", "127.0.0.1", "-m", "40000", "-M", "30000"]))
        }
        #expect(throws: ConfigError.self) {
            try DaemonConfig(Self.load(["--config-file=none", "-i", "127.0.0.1", "-m", "40000", "-M", "40000"]))
        }
        #expect(throws: ConfigError.inconsistent("at least one --interface is required")) {
            try DaemonConfig(Self.load(["--config-file=none"]))
        }
    }
}
