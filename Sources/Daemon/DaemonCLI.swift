import Bencode
import ByteText
import CLI
import Session
#if canImport(Glibc)
import Glibc
#endif

/// The running daemon as the operator's CLI sees it.
final class DaemonCLI: CLIBackend {
    private let calls: CallRegistry
    private let commands: DaemonCommands
    private let levels: LogLevels
    private let clock: @Sendable () -> Double

    init(calls: CallRegistry, commands: DaemonCommands, levels: LogLevels, clock: @escaping @Sendable () -> Double) {
        self.calls = calls
        self.commands = commands
        self.levels = levels
        self.clock = clock
    }

    func statistics() -> BencodeValue { commands.statistics() }
    func summaries() -> [CallSummary] { calls.summaries() }
    // The CLI's text is lossless (`LosslessText`): a call-id typed there is the call's bytes.
    func summary(callID: String) -> CallSummary? { calls.summary(callID: ByteString(losslessText: callID)) }
    func terminate(callID: String) -> Bool { calls.terminate(callID: ByteString(losslessText: callID), now: clock()) }
    func terminateAll() { calls.terminateAll(now: clock()) }
    var settings: CallRegistry.Settings { calls.settings }
    func updateSettings(_ change: (inout CallRegistry.Settings) -> Void) { calls.updateSettings(change) }
    var logLevels: [LogSubsystemLevel] { levels.all }
    func setLogLevel(_ level: Int, subsystem: String?) -> Bool { levels.set(level, subsystem: subsystem) }

    var openFiles: (limit: Int, pid: Int32) {
        var limit = rlimit()
        getrlimit(RLIMIT_NOFILE_VALUE, &limit)
        return (Int(clamping: limit.rlim_cur), getpid())
    }

    /// `--control-tos` is not applied to the control sockets yet, so their TOS is 0.
    var controlTOS: Int { 0 }
    var now: Double { clock() }
}

// Glibc imports RLIMIT_NOFILE as an enum case on Linux.
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
