#if canImport(Glibc)
import Glibc
#endif
/// The typed settings the daemon runs with, derived from `ResolvedOptions` and checked for
/// consistency across options. Options whose features are not built stay in
/// `ResolvedOptions` (and are reported at start-up) until a feature reads them here.
public struct DaemonConfig: Sendable {
    public enum LogFacility: String, Sendable, CaseIterable {
        case auth, authpriv, cron, daemon, ftp, kern, lpr, mail, news, syslog, user, uucp
        case local0, local1, local2, local3, local4, local5, local6, local7
    }

    public var options: ResolvedOptions
    public var table: Int
    public var noFallback: Bool
    public var interfaces: [InterfaceSpec]
    public var listenNG: [ListenAddress]
    public var listenTCPNG: [ListenAddress]
    /// `--listen-cli`: the operator's CLI (rtpengine-ctl).
    public var listenCLI: [ListenAddress]
    /// `--log-level-SUBSYSTEM`, for the subsystems that were given one.
    public var subsystemLogLevels: [String: Int]
    public var foreground: Bool
    public var logLevel: Int
    public var logStderr: Bool
    public var logTimestamps: Bool
    public var logFacility: LogFacility
    public var pidfile: String?
    public var portMin: Int
    public var portMax: Int
    public var deleteDelay: Int
    public var maxSessions: Int
    public var sipSource: Bool
    public var tos: Int
    /// Media threads (`--num-threads`, default: one per core).
    public var numThreads: Int
    public var endpointLearning: String
    public var timeout: Int
    public var silentTimeout: Int
    public var finalTimeout: Int
    public var offerTimeout: Int

    public init(_ options: ResolvedOptions) throws(ConfigError) {
        self.options = options
        table = options.int("table") ?? 0
        noFallback = options.flag("no-fallback")
        interfaces = options.strings("interface").compactMap { try? InterfaceSpec.parse($0).get() }
        listenNG = options.strings("listen-ng").compactMap { try? ListenAddress.parse($0).get() }
        listenTCPNG = options.strings("listen-tcp-ng").compactMap { try? ListenAddress.parse($0).get() }
        listenCLI = options.string("listen-cli").flatMap { try? ListenAddress.parse($0).get() }.map { [$0] } ?? []
        var subsystems: [String: Int] = [:]
        for spec in OptionRegistry.all where spec.long.hasPrefix("log-level-") {
            if let level = options.int(spec.long) { subsystems[String(spec.long.dropFirst("log-level-".count))] = level }
        }
        subsystemLogLevels = subsystems
        foreground = options.flag("foreground")
        logLevel = options.int("log-level") ?? 6
        logStderr = options.flag("log-stderr")
        logTimestamps = !options.flag("no-log-timestamps")
        logFacility = LogFacility(rawValue: options.string("log-facility") ?? "daemon") ?? .daemon
        pidfile = options.string("pidfile")
        portMin = options.int("port-min") ?? 30000
        portMax = options.int("port-max") ?? 40000
        deleteDelay = options.int("delete-delay") ?? 30
        maxSessions = options.int("max-sessions") ?? -1
        sipSource = options.flag("sip-source")
        tos = options.int("tos") ?? 0
        numThreads = options.int("num-threads") ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        endpointLearning = options.string("endpoint-learning") ?? "delayed"
        timeout = options.int("timeout") ?? 60
        silentTimeout = options.int("silent-timeout") ?? 3600
        finalTimeout = options.int("final-timeout") ?? 0
        offerTimeout = options.int("offer-timeout") ?? 3600

        if portMin > portMax {
            throw .inconsistent("--port-min (\(portMin)) is greater than --port-max (\(portMax))")
        }
        if portMin + (portMin & 1) + 1 > portMax {
            throw .inconsistent("port range \(portMin)-\(portMax) holds no RTP/RTCP port pair")
        }
        if interfaces.isEmpty {
            throw .inconsistent("at least one --interface is required")
        }
        for listen in listenNG where (portMin...portMax).contains(Int(listen.port)) {
            for spec in interfaces where Self.overlaps(listen.host, spec.address) {
                throw .inconsistent("--listen-ng \(listen) is inside the media port range \(portMin)-\(portMax) of interface \(spec)")
            }
        }
    }

    /// Whether a listener's host and a media interface's address can be the same socket address.
    static func overlaps(_ host: ListenAddress.Host, _ address: InterfaceSpec.Address) -> Bool {
        switch (host, address) {
        case (.any, _), (_, .any): return true
        case (.ip(let a), .ip(let b)):
            return a == b || (a.isUnspecified && a.family == b.family) || (b.isUnspecified && a.family == b.family)
        default: return false
        }
    }
}
