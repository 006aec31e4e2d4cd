import Config
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Where log lines go: stderr (`--log-stderr`) or syslog with `--log-facility`.
public enum LogDestination: Sendable {
    case stderr(timestamps: Bool)
    case syslog(DaemonConfig.LogFacility)
}

/// A swift-log handler writing rtpengine-style lines. `--log-level` is a syslog priority
/// (0 emerg .. 7 debug); a message is written when its priority is at most that level.
public struct DaemonLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    /// Read at every message, so the CLI's `set loglevel` takes effect at once.
    public var logLevel: Logger.Level {
        get { Self.loggerLevel(forPriority: levels.level(at: subsystemIndex)) }
        set { _ = levels.set(Int(Self.priority(of: newValue)), subsystem: subsystem) }
    }
    private let destination: LogDestination
    private let subsystem: String
    /// Looked up once: the level is read on every message.
    private let subsystemIndex: Int
    private let levels: LogLevels

    public init(subsystem: String, levels: LogLevels, destination: LogDestination) {
        self.subsystem = subsystem
        self.subsystemIndex = LogLevels.index(of: subsystem)
        self.levels = levels
        self.destination = destination
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The swift-log level whose messages are exactly those with priority <= `priority`.
    public static func loggerLevel(forPriority priority: Int) -> Logger.Level {
        switch priority {
        // Negative is off (`internals` by default): nothing swift-log sends is more severe.
        case ...2: return .critical
        case 3: return .error
        case 4: return .warning
        case 5: return .notice
        case 6: return .info
        default: return .debug
        }
    }

    public static func priority(of level: Logger.Level) -> Int32 {
        switch level {
        case .critical: return LOG_CRIT
        case .error: return LOG_ERR
        case .warning: return LOG_WARNING
        case .notice: return LOG_NOTICE
        case .info: return LOG_INFO
        case .debug, .trace: return LOG_DEBUG
        }
    }

    static func label(of level: Logger.Level) -> String {
        switch level {
        case .critical: return "CRIT"
        case .error: return "ERR"
        case .warning: return "WARNING"
        case .notice: return "NOTICE"
        case .info: return "INFO"
        case .debug, .trace: return "DEBUG"
        }
    }

    public func log(event: LogEvent) {
        var text = "\(Self.label(of: event.level)): [\(subsystem)] "
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        if let callID = merged["call-id"] { text += "[ID=\"\(callID)\"] " }
        text += event.message.description
        switch destination {
        case .stderr(let timestamps):
            var line = ""
            if timestamps {
                var ts = timespec()
                clock_gettime(CLOCK_REALTIME, &ts)
                let micros = String(ts.tv_nsec / 1000)
                line = "[\(ts.tv_sec).\(String(repeating: "0", count: 6 - micros.count))\(micros)] "
            }
            line += text + "\n"
            // One write(2) per line keeps lines whole when several threads log.
            writeToStderr(line)
        case .syslog:
            text.withCString { cText in
                withVaList([cText]) { vsyslog(Self.priority(of: event.level), "%s", $0) }
            }
        }
    }

    /// Opens syslog for `facility` (a no-op for stderr) and installs the handler.
    public static func bootstrap(levels: LogLevels, destination: LogDestination) {
        if case .syslog(let facility) = destination {
            openlog("rtpengine", LOG_PID | LOG_NDELAY, facilityCode(facility))
        }
        LoggingSystem.bootstrap { label in
            DaemonLogHandler(subsystem: label, levels: levels, destination: destination)
        }
    }

    static func facilityCode(_ f: DaemonConfig.LogFacility) -> Int32 {
        switch f {
        case .auth: return LOG_AUTH
        case .authpriv: return LOG_AUTHPRIV
        case .cron: return LOG_CRON
        case .daemon: return LOG_DAEMON
        case .ftp: return LOG_FTP
        case .kern: return LOG_KERN
        case .lpr: return LOG_LPR
        case .mail: return LOG_MAIL
        case .news: return LOG_NEWS
        case .syslog: return LOG_SYSLOG
        case .user: return LOG_USER
        case .uucp: return LOG_UUCP
        case .local0: return LOG_LOCAL0
        case .local1: return LOG_LOCAL1
        case .local2: return LOG_LOCAL2
        case .local3: return LOG_LOCAL3
        case .local4: return LOG_LOCAL4
        case .local5: return LOG_LOCAL5
        case .local6: return LOG_LOCAL6
        case .local7: return LOG_LOCAL7
        }
    }
}

/// Writes `text` to file descriptor 2 in one call.
func writeToStderr(_ text: String) {
    var bytes = Array(text.utf8)
    _ = write(STDERR_FILENO, &bytes, bytes.count)
}
