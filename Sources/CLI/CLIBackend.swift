import Bencode
import Session

/// What the CLI reads and changes in a running daemon. The daemon implements it; tests use
/// a fake, so every command's text is checked without sockets.
public protocol CLIBackend: Sendable {
    /// The ng `statistics` dictionary.
    func statistics() -> BencodeValue
    func summaries() -> [CallSummary]
    func summary(callID: String) -> CallSummary?
    func terminate(callID: String) -> Bool
    func terminateAll()
    var settings: CallRegistry.Settings { get }
    func updateSettings(_ change: (inout CallRegistry.Settings) -> Void)
    /// Every log subsystem in rtpengine's order, with its description and level.
    var logLevels: [LogSubsystemLevel] { get }
    /// Sets one subsystem's level, or all of them; false for an unknown subsystem.
    func setLogLevel(_ level: Int, subsystem: String?) -> Bool
    /// The open-files limit and the daemon's pid, for `list maxopenfiles`.
    var openFiles: (limit: Int, pid: Int32) { get }
    var controlTOS: Int { get }
    /// Wall-clock seconds.
    var now: Double { get }
}

public struct LogSubsystemLevel: Sendable, Equatable {
    public var name: String
    public var description: String
    public var level: Int

    public init(name: String, description: String, level: Int) {
        self.name = name
        self.description = description
        self.level = level
    }
}
