import Config

/// What one `rtpengine-ctl` run does, from its arguments: which CLI address to connect to
/// and which command line to send. Pure; the executable does the IO.
public struct CtlInvocation: Equatable, Sendable {
    public var host: String
    public var port: Int
    /// The command words joined by single spaces, without the newline.
    public var command: String

    public static let defaultConfigFile = "/etc/rtpengine/rtpengine.conf"
    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 9900

    public enum Action: Equatable, Sendable {
        case run(CtlInvocation)
        case help
        case usageError(String)
    }

    /// `listenCLI(path, instance)` reads `listen-cli` from the config file at `path`: from the
    /// `[rtpengine]` section, or the settings of instance `NAME` of a multi-instance config
    /// (`-instance NAME`). Nil when the file or the key is absent; it throws when the file is
    /// unreadable or has no such instance.
    public static func parse(_ arguments: [String], listenCLI: (String, String?) throws -> String?) rethrows -> Action {
        var ip: String?, port: Int?, config = defaultConfigFile, instance: String?
        var i = 0
        // Options come first; the first other word starts the command (as Getopt's require_order).
        while i < arguments.count {
            let arg = arguments[i]
            guard arg.hasPrefix("-"), arg.count > 1 else { break }
            if arg == "--" { i += 1; break }
            let name = String(arg.drop { $0 == "-" }.prefix { $0 != "=" })
            var inline: String?
            if let eq = arg.firstIndex(of: "=") { inline = String(arg[arg.index(after: eq)...]) }
            func value() -> String? {
                if let inline { return inline }
                i += 1
                return i < arguments.count ? arguments[i] : nil
            }
            switch name {
            case "h", "help": return .help
            case "ip":
                guard let v = value() else { return .usageError("option -ip needs a value") }
                ip = v
            case "port":
                guard let v = value(), let p = Int(v) else { return .usageError("option -port needs a number") }
                port = p
            case "config-file":
                guard let v = value() else { return .usageError("option -config-file needs a value") }
                config = v
            case "instance":
                guard let v = value() else { return .usageError("option -instance needs a name") }
                instance = v
            default: return .usageError("unknown option \(arg)")
            }
            i += 1
        }
        let command = arguments[i...].joined(separator: " ").trimmingSpaces
        guard !command.isEmpty else { return .usageError("no command given") }

        // An instance's listener must come from its settings: the defaults would reach another daemon.
        if let instance, ip == nil || port == nil {
            guard let listen = try listenCLI(config, instance)?.trimmingSpaces, !listen.isEmpty else {
                return .usageError("instance '\(instance)' in \(config) has no listen-cli")
            }
            if let p = Int(listen) { port = port ?? p } else { ip = ip ?? listen }
        } else if ip == nil || port == nil, let listen = try listenCLI(config, nil)?.trimmingSpaces, !listen.isEmpty {
            if let p = Int(listen) {
                port = port ?? p
            } else {
                ip = ip ?? listen
            }
        }
        var host = ip ?? defaultHost
        if let (h, p) = splitPort(host) {
            host = h
            port = port ?? p
        }
        let finalPort = port ?? defaultPort
        guard (1...65535).contains(finalPort) else { return .usageError("port \(finalPort) is out of range") }
        return .run(CtlInvocation(host: host, port: finalPort, command: command))
    }

    /// `A:PORT` or `[V6]:PORT` into host and port; nil when no port is given (a bare IPv6
    /// address has colons but no port).
    static func splitPort(_ text: String) -> (String, Int)? {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            guard after.hasPrefix(":"), let p = Int(after.dropFirst()) else { return nil }
            return (host, p)
        }
        guard text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":"),
              let p = Int(text[text.index(after: colon)...]) else { return nil }
        return (String(text[..<colon]), p)
    }

    public static let usage = """
        Usage: rtpengine-ctl [-ip ADDRESS[:PORT]] [-port PORT] [-config-file FILE] [-instance NAME] COMMAND...

        Sends COMMAND to the CLI listener of a running rtpengine (its --listen-cli) and prints
        the answer. The address is -ip/-port, else listen-cli from the [rtpengine] section of
        FILE (default \(defaultConfigFile)) or, with -instance, from instance NAME's
        settings in it, else \(defaultHost):\(defaultPort).

        Commands (see rtpengine-ctl(8)):
          list numsessions | sessions all|own|foreign|CALL-ID | totals | jsonstats | interfaces
          list maxsessions | maxopenfiles | timeout | silenttimeout | finaltimeout | offertimeout
          list deletedelay | controltos | transcoders | loglevels | loglevel [SUBSYSTEM]
          get ...                      the same as list
          set maxsessions N            -1 removes the limit
          set timeout|silenttimeout|finaltimeout|offertimeout SECONDS
          set deletedelay SECONDS
          set loglevel [SUBSYSTEM] LEVEL
          terminate CALL-ID|all
          help | list help | set help

        """
}
