import Bencode
import Session

/// Answers one CLI command line with the text rtpengine 10.5 prints for it. Sans-IO: the
/// listener passes the line in and writes the text out.
public enum CLIInterpreter {
    public static func answer(_ line: String, backend: any CLIBackend) -> String {
        let request: CLIRequest
        do {
            request = try CLIRequest.parse(line)
        } catch {
            guard case .unknown(let rest) = error else { return "More parameters required.\n" }
            return "Unknown or incomplete command::\(rest)\n"
        }
        switch request {
        case .list(let item): return list(item, backend)
        case .set(let setting, let value): return set(setting, value, backend)
        case .setLogLevel(let subsystem, let level):
            guard backend.setLogLevel(level, subsystem: subsystem) else {
                return "Unknown log subsystem '\(subsystem ?? "")'; 'list loglevels' shows them.\n"
            }
            return "Success setting loglevel to \(level)\n"
        case .terminate(let selection): return terminate(selection, backend)
        case .help(let level):
            let words = switch level {
            case .top: CLIRequest.topWords
            case .list: CLIRequest.listWords
            case .set: CLIRequest.setWords
            }
            return "Available sub-commands at this level:\n" + words.map { "\t\($0)\n" }.joined()
        case .unsupported(let command):
            return "Not supported by this media relay: '\(command)' (no redis, no CPU/load/bandwidth limits).\n"
        }
    }

    static func list(_ item: CLIRequest.ListItem, _ backend: any CLIBackend) -> String {
        let settings = backend.settings
        switch item {
        case .numSessions: return SessionText.numSessions(backend.summaries())
        case .sessions(let selection): return sessions(selection, backend)
        case .totals: return TotalsText.render(backend.statistics())
        case .jsonStats: return StatisticsJSON.encode(backend.statistics())
        case .maxSessions: return "Maximum sessions configured on rtpengine: \(settings.maxSessions)\n"
        case .maxOpenFiles:
            let files = backend.openFiles
            return "Maximum open-files configured on rtpengine: \(files.limit); cat /proc/\(files.pid)/limits\n"
        case .timeout: return "TIMEOUT=\(Int(settings.timeout))\n"
        case .silentTimeout: return "SILENT_TIMEOUT=\(Int(settings.silentTimeout))\n"
        case .finalTimeout: return "FINAL_TIMEOUT=\(Int(settings.finalTimeout))\n"
        case .offerTimeout: return "OFFER_TIMEOUT=\(Int(settings.offerTimeout))\n"
        case .deleteDelay: return "\(Int(settings.deleteDelay))\n"
        case .controlTOS: return "\(backend.controlTOS)\n"
        case .interfaces: return TotalsText.interfaces(backend.statistics())
        case .transcoders: return "No stats entries\n"
        case .logLevels: return backend.logLevels.map { "\($0.name) - \($0.description)\n" }.joined()
        case .logLevel(nil): return backend.logLevels.map { "\($0.name) = \($0.level)\n" }.joined()
        case .logLevel(let name?): return backend.logLevels.first { $0.name == name }.map { "\($0.level)\n" } ?? ""
        }
    }

    static func sessions(_ selection: CLIRequest.Selection, _ backend: any CLIBackend) -> String {
        switch selection {
        case .foreign: return "No foreign sessions on this media relay.\n"
        case .all, .own:
            let calls = backend.summaries()
            if calls.isEmpty { return selection == .all ? "No sessions on this media relay.\n" : "No own sessions on this media relay.\n" }
            return calls.map(SessionText.oneLine).joined()
        case .callID(let id):
            guard let call = backend.summary(callID: id) else { return "\nCall ID not found (\(id)).\n\n" }
            return SessionText.detail(call, now: backend.now)
        }
    }

    static func terminate(_ selection: CLIRequest.Selection, _ backend: any CLIBackend) -> String {
        switch selection {
        case .all:
            backend.terminateAll()
            return "All calls terminated by operator.\n"
        case .own:
            backend.terminateAll()
            return "All own calls terminated by operator.\n"
        case .foreign: return "All foreign calls terminated by operator.\n"
        case .callID(let id):
            guard backend.terminate(callID: id) else { return "\nCall Id not found (\(id)).\n\n" }
            return "\nCall Id (\(id)) successfully terminated by operator.\n\n"
        }
    }

    /// `set` of a number, with rtpengine's checks and replies.
    static func set(_ setting: CLIRequest.Setting, _ text: String, _ backend: any CLIBackend) -> String {
        let parsed = CNumber.prefix(text[...])
        switch setting {
        case .maxSessions:
            guard let (value, _) = parsed else { return "Fail setting maxsessions to \(text); no digists found\n" }
            guard value >= -1 else { return "Fail setting maxsessions to \(text); either positive or -1 values allowed\n" }
            backend.updateSettings { $0.maxSessions = value }
            return value == -1 ? "Success setting maxsessions to -1; disable feature\n" : "Success setting maxsessions to \(value)\n"
        case .deleteDelay:
            guard let (value, _) = parsed, value >= 0 else { return "Invalid delete-delay value\n" }
            backend.updateSettings { $0.deleteDelay = Double(value) }
            return "Success setting delete-delay to \(value)\n"
        case .timeout, .silentTimeout, .finalTimeout, .offerTimeout:
            guard let (value, _) = parsed else { return "Fail setting timeout to \(text); no digists found\n" }
            guard value >= 0, value <= Int(UInt32.max) else { return "Fail setting timeout to \(text); errno=0\n" }
            backend.updateSettings {
                switch setting {
                case .timeout: $0.timeout = Double(value)
                case .silentTimeout: $0.silentTimeout = Double(value)
                case .finalTimeout: $0.finalTimeout = Double(value)
                default: $0.offerTimeout = Double(value)
                }
            }
            return "Success setting timeout to \(value)\n"
        }
    }
}
