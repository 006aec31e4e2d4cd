/// Config files for the validator's tests: each broken one names where its first error is
/// reported and a part of the message.
struct BrokenCase: Sendable {
    var name: String
    var main: String
    var dropins: [(String, String)] = []
    /// The file (main.conf or conf.d/NAME), line and message fragment of the first error.
    var file = "main.conf"
    var line: Int
    var message: String
}

let base = """
    [rtpengine]
    table = -1
    listen-ng = 127.0.0.1:2223
    interface = 127.0.0.1
    port-min = 30000
    port-max = 30999

    """

/// Two profiles on loopback and eth0, and two instances using them.
let twoInstances = """
    [rtpengine]
    log-level = 6

    [interface-lo]
    address = 127.0.0.1
    port-min = 30000
    port-max = 30999

    [interface-lo2]
    address = 127.0.0.1
    port-min = 31000
    port-max = 31999

    [instance-a]
    interfaces = lo
    table = 0
    listen-ng = 127.0.0.1:2223

    [instance-b]
    interfaces = lo2
    table = 1
    listen-ng = 127.0.0.1:2224

    """

let brokenCases: [BrokenCase] = [
    // Syntax.
    BrokenCase(name: "garbage line", main: "[rtpengine]\ntable = -1\nthis is not a pair\n", line: 3, message: "is not a key=value pair"),
    BrokenCase(name: "key before any section", main: "table = 0\n[rtpengine]\n", line: 1, message: "before any [section]"),
    BrokenCase(name: "unclosed header", main: "[rtpengine\ntable = 0\n", line: 1, message: "malformed section header"),
    BrokenCase(name: "empty header", main: "[]\n", line: 1, message: "malformed section header"),
    BrokenCase(name: "value without key", main: "[rtpengine]\n= 5\n", line: 2, message: "a value without a key"),
    BrokenCase(name: "no sections at all", main: "# only a comment\n", line: 1, message: "no [rtpengine] section"),
    // Keys and values of daemon options.
    BrokenCase(name: "log level not a number", main: base + "log-level = loud\n", line: 7, message: "not an integer"),
    BrokenCase(name: "log level out of range", main: base + "log-level = 9\n", line: 7, message: "must be between"),
    BrokenCase(name: "table out of range", main: "[rtpengine]\ntable = 64\ninterface = 127.0.0.1\nlisten-ng = 2223\n", line: 2, message: "must be between -1 and 63"),
    BrokenCase(name: "negative table below -1", main: "[rtpengine]\ntable = -2\ninterface = 127.0.0.1\nlisten-ng = 2223\n", line: 2, message: "must be between -1 and 63"),
    BrokenCase(name: "boolean not a boolean", main: base + "foreground = maybe\n", line: 7, message: "expected a boolean"),
    BrokenCase(name: "endpoint learning word", main: base + "endpoint-learning = sometimes\n", line: 7, message: "must be one of"),
    BrokenCase(name: "bad listen address", main: "[rtpengine]\ntable = -1\ninterface = 127.0.0.1\nlisten-ng = 127.0.0.1:99999\n", line: 4, message: "'127.0.0.1:99999'"),
    BrokenCase(name: "bad legacy interface", main: "[rtpengine]\ntable = -1\ninterface = pub/1.2.3.4!nonsense\nlisten-ng = 2223\n", line: 3, message: "'pub/1.2.3.4!nonsense'"),
    BrokenCase(name: "port-min above port-max", main: "[rtpengine]\ntable = -1\ninterface = 127.0.0.1\nlisten-ng = 2223\nport-min = 40000\nport-max = 30000\n", line: 5, message: "is above port-max"),
    BrokenCase(name: "range without a pair", main: "[rtpengine]\ntable = -1\ninterface = 127.0.0.1\nlisten-ng = 2223\nport-min = 30001\nport-max = 30002\n", line: 5, message: "holds no RTP/RTCP pair"),
    BrokenCase(name: "bad firewall mode", main: twoInstances.replacingOccurrences(of: "table = 1", with: "table = 1\nfirewall = nftables"),
               line: 22, message: "is not a firewall mode"),
    BrokenCase(name: "exclude-ports out of range", main: twoInstances.replacingOccurrences(of: "port-max = 30999", with: "port-max = 30999\nexclude-ports = 70000"),
               line: 8, message: "'70000' is not a port"),
    BrokenCase(name: "bad alias", main: twoInstances.replacingOccurrences(of: "port-max = 31999", with: "port-max = 31999\nalias = pub/2"),
               line: 13, message: "'pub/2' is not a logical interface name"),
    BrokenCase(name: "IPv6 ng listeners clash", main: twoInstances.replacingOccurrences(of: "listen-ng = 127.0.0.1:2223", with: "listen-ng = [::1]:2223")
                .replacingOccurrences(of: "listen-ng = 127.0.0.1:2224", with: "listen-ng = [::]:2223"),
               line: 22, message: "UDP port 2223 on :: is also taken by [instance-a]"),
    // Interface profiles.
    BrokenCase(name: "profile without address", main: twoInstances.replacingOccurrences(of: "address = 127.0.0.1\nport-min = 30000", with: "port-min = 30000"),
               line: 4, message: "interface without an address"),
    BrokenCase(name: "profile address is garbage", main: twoInstances.replacingOccurrences(of: "address = 127.0.0.1\nport-min = 30000", with: "address = 300.1.1.1/8\nport-min = 30000"),
               line: 5, message: "is not an IP address, interface name or 'any'"),
    BrokenCase(name: "advertised not an IP", main: twoInstances.replacingOccurrences(of: "port-min = 30000\nport-max = 30999", with: "advertised = public.example.com\nport-min = 30000\nport-max = 30999"),
               line: 6, message: "is not an IP address"),
    BrokenCase(name: "profile unknown key", main: twoInstances.replacingOccurrences(of: "port-max = 30999", with: "port-max = 30999\nadvertized = 203.0.113.1"),
               line: 8, message: "unknown interface key"),
    BrokenCase(name: "profile port-min above port-max", main: twoInstances.replacingOccurrences(of: "port-min = 30000", with: "port-min = 32000"),
               line: 6, message: "is above port-max"),
    BrokenCase(name: "profile range too small", main: twoInstances.replacingOccurrences(of: "port-min = 30000\nport-max = 30999", with: "port-min = 30001\nport-max = 30001"),
               line: 6, message: "holds no RTP/RTCP pair"),
    BrokenCase(name: "profile port not a number", main: twoInstances.replacingOccurrences(of: "port-max = 30999", with: "port-max = lots"),
               line: 7, message: "is not a port"),
    BrokenCase(name: "profile exclude-ports garbage", main: twoInstances.replacingOccurrences(of: "port-max = 30999", with: "port-max = 30999\nexclude-ports = 30010;x"),
               line: 8, message: "'x' is not a port"),
    BrokenCase(name: "profile bad logical name", main: twoInstances.replacingOccurrences(of: "port-max = 30999", with: "port-max = 30999\nname = a:b:c"),
               line: 8, message: "is not a logical interface name"),
    BrokenCase(name: "instance names a missing profile", main: twoInstances.replacingOccurrences(of: "interfaces = lo2", with: "interfaces = lo3"),
               line: 20, message: "no [interface-lo3] section"),
    BrokenCase(name: "instance without interfaces", main: twoInstances.replacingOccurrences(of: "interfaces = lo2\n", with: ""),
               line: 19, message: "instance without interfaces"),
    // Across instances.
    BrokenCase(name: "duplicate tables", main: twoInstances.replacingOccurrences(of: "table = 1", with: "table = 0"),
               line: 21, message: "kernel table 0 is also used by [instance-a]"),
    BrokenCase(name: "two instances share an ng port", main: twoInstances.replacingOccurrences(of: "listen-ng = 127.0.0.1:2224", with: "listen-ng = 127.0.0.1:2223"),
               line: 22, message: "UDP port 2223 on 127.0.0.1 is also taken by [instance-a] listen-ng"),
    BrokenCase(name: "wildcard ng port clashes with a specific one", main: twoInstances.replacingOccurrences(of: "listen-ng = 127.0.0.1:2224", with: "listen-ng = 2223"),
               line: 22, message: "UDP port 2223 on every address is also taken"),
    BrokenCase(name: "two TCP listeners of different kinds on one port", main: twoInstances.replacingOccurrences(of: "listen-ng = 127.0.0.1:2224", with: "listen-ng = 127.0.0.1:2224\nlisten-cli = 127.0.0.1:9900")
                .replacingOccurrences(of: "listen-ng = 127.0.0.1:2223", with: "listen-ng = 127.0.0.1:2223\nlisten-http = 127.0.0.1:9900"),
               line: 24, message: "TCP port 9900 on 127.0.0.1 is also taken by [instance-a] listen-http"),
    BrokenCase(name: "one instance's own listeners clash", main: twoInstances.replacingOccurrences(of: "listen-ng = 127.0.0.1:2224", with: "listen-ng = 127.0.0.1:2224\nlisten-udp = 127.0.0.1:2224"),
               line: 23, message: "UDP port 2224 on 127.0.0.1 is also taken by [instance-b] listen-ng"),
    BrokenCase(name: "overlapping media ranges on one address", main: twoInstances.replacingOccurrences(of: "port-min = 31000", with: "port-min = 30500"),
               line: 11, message: "overlap [instance-a]'s 30000-30999"),
    BrokenCase(name: "ng listener inside a media range", main: twoInstances.replacingOccurrences(of: "listen-ng = 127.0.0.1:2224", with: "listen-ng = 127.0.0.1:30500"),
               line: 22, message: "UDP port 30500 is inside the media port range 30000-30999 of [instance-a]"),
    BrokenCase(name: "legacy file with its ng port in its media range", main: "[rtpengine]\ntable = -1\ninterface = 127.0.0.1\nlisten-ng = 127.0.0.1:30010\nport-min = 30000\nport-max = 30999\n",
               line: 4, message: "is inside the media port range"),
    BrokenCase(name: "instance option bad value", main: twoInstances.replacingOccurrences(of: "table = 1", with: "table = one"),
               line: 21, message: "not an integer"),
    BrokenCase(name: "instance unknown key", main: twoInstances.replacingOccurrences(of: "table = 1", with: "table = 1\ninterfacs = lo2"),
               line: 22, message: "unknown key"),
    // Drop-ins.
    BrokenCase(name: "drop-in breaks a valid file", main: twoInstances, dropins: [("10-b.conf", "[instance-b]\ntable = 0\n")],
               file: "conf.d/10-b.conf", line: 2, message: "kernel table 0 is also used by [instance-a]"),
    BrokenCase(name: "drop-in with a syntax error", main: twoInstances, dropins: [("20-x.conf", "[instance-b]\noops\n")],
               file: "conf.d/20-x.conf", line: 2, message: "is not a key=value pair"),
    BrokenCase(name: "later drop-in wins and is the one reported", main: twoInstances,
               dropins: [("10-a.conf", "[instance-b]\nlisten-ng = 127.0.0.1:2225\n"), ("20-b.conf", "[instance-b]\nlisten-ng = 127.0.0.1:2223\n")],
               file: "conf.d/20-b.conf", line: 2, message: "is also taken by [instance-a]"),
]

/// Valid configs: none may produce an error.
let validCases: [(name: String, main: String, dropins: [(String, String)])] = [
    ("legacy single section", base, []),
    ("legacy with every common option", base + "log-level = 7\ndelete-delay = 0\ntimeout = 60\nsilent-timeout = 3600\nendpoint-learning = heuristic\nforeground = true\n", []),
    ("two instances on loopback", twoInstances, []),
    ("multi-homed with NAT", """
        [rtpengine]
        [interface-pub]
        address = 192.0.2.10
        advertised = 203.0.113.10
        name = pub
        port-min = 30000
        port-max = 39999
        [interface-priv]
        address = eth1
        name = priv
        port-min = 30000
        port-max = 39999
        [instance-edge]
        interfaces = pub;priv
        table = 0
        listen-ng = 127.0.0.1:2223

        """, []),
    ("BASE:SUFFIX round robin", """
        [rtpengine]
        [interface-a1]
        address = 192.0.2.10
        name = pub:1
        [interface-a2]
        address = 198.51.100.10
        name = pub:2
        [instance-rr]
        interfaces = a1;a2
        table = -1
        listen-ng = 2223

        """, []),
    ("drop-ins add an instance", twoInstances, [("50-c.conf", "[interface-lo3]\naddress = 127.0.0.1\nport-min = 32000\nport-max = 32999\n[instance-c]\ninterfaces = lo3\ntable = 2\nlisten-ng = 127.0.0.1:2225\n")]),
    ("drop-in overrides a port", twoInstances, [("10-a.conf", "[instance-a]\nlisten-ng = 127.0.0.1:2230\n")]),
    ("same ports on different addresses", """
        [rtpengine]
        [interface-x]
        address = 192.0.2.10
        [interface-y]
        address = 198.51.100.10
        [instance-x]
        interfaces = x
        table = 0
        listen-ng = 192.0.2.10:2223
        [instance-y]
        interfaces = y
        table = 1
        listen-ng = 198.51.100.10:2223

        """, []),
    ("UDP and TCP listeners share a port", twoInstances.replacingOccurrences(of: "listen-ng = 127.0.0.1:2224", with: "listen-ng = 127.0.0.1:2224\nlisten-tcp-ng = 127.0.0.1:2224"), []),
    ("custom interface prefix", """
        [rtpengine]
        interfaces-config = iface
        [iface-lo]
        address = any
        [instance-one]
        interfaces = lo
        table = -1
        listen-ng = 127.0.0.1:2223

        """, []),
]
