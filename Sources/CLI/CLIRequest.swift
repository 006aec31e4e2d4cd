/// One CLI command line as rtpengine-ctl sends it (`list totals`, `set timeout 30`, ...),
/// typed. Words are separated by single spaces, as rtpengine 10.5 reads them.
public enum CLIRequest: Equatable, Sendable {
    case list(ListItem)
    case set(Setting, value: String)
    case setLogLevel(subsystem: String?, level: Int)
    case terminate(Selection)
    case help(HelpLevel)
    /// A command of rtpengine's CLI for a feature this relay does not have (redis, CPU limits...).
    case unsupported(String)

    public enum ListItem: Equatable, Sendable {
        case numSessions, totals, jsonStats, maxSessions, maxOpenFiles, timeout, silentTimeout, finalTimeout
        case offerTimeout, deleteDelay, controlTOS, interfaces, transcoders, logLevels
        case logLevel(subsystem: String?)
        case sessions(Selection)
    }

    public enum Selection: Equatable, Sendable {
        case all, own, foreign
        case callID(String)
    }

    public enum Setting: String, CaseIterable, Sendable {
        case maxSessions = "maxsessions"
        case timeout, silentTimeout = "silenttimeout", finalTimeout = "finaltimeout", offerTimeout = "offertimeout"
        case deleteDelay = "deletedelay"
    }

    public enum HelpLevel: Equatable, Sendable {
        case top, list, set
    }

    public enum ParseError: Error, Equatable {
        /// "More parameters required."
        case moreParameters
        /// "Unknown or incomplete command::REST", with the words not understood.
        case unknown(String)
    }

    /// The words each level accepts, for `help` (ours only: no redis, no CPU limits).
    public static let topWords = ["list", "terminate", "set", "get"]
    public static let listWords = [
        "numsessions", "sessions", "totals", "maxopenfiles", "maxsessions", "timeout", "silenttimeout", "offertimeout",
        "finaltimeout", "loglevels", "loglevel", "controltos", "deletedelay", "interfaces", "jsonstats", "transcoders",
    ]
    public static let setWords = ["maxsessions", "timeout", "silenttimeout", "offertimeout", "finaltimeout", "loglevel", "deletedelay"]
    /// rtpengine's commands for features not built here.
    static let unsupportedTop = ["params", "ksadd", "ksrm", "kslist", "active", "standby", "debug", "call"]
    static let unsupportedItems = [
        "counters", "maxcpu", "maxload", "maxbw", "redisallowederrors", "redisdisabletime", "redisconnecttimeout",
        "rediscmdtimeout",
    ]

    public static func parse(_ line: String) throws(ParseError) -> CLIRequest {
        let (first, rest) = split(line)
        let word = String(first)
        switch word {
        case "list", "get": return try parseList(line, rest)
        case "set": return try parseSet(line, rest)
        case "terminate":
            guard let rest, !rest.isEmpty else { throw .moreParameters }
            return .terminate(selection(rest))
        case "help": return .help(.top)
        case _ where unsupportedTop.contains(word): return .unsupported(word)
        default: throw .unknown(line)
        }
    }

    private static func parseList(_ line: String, _ rest: Substring?) throws(ParseError) -> CLIRequest {
        guard let rest, !rest.isEmpty else { throw .moreParameters }
        let (itemWord, args) = split(rest)
        let item = String(itemWord)
        let simple: [String: ListItem] = [
            "numsessions": .numSessions, "totals": .totals, "jsonstats": .jsonStats, "maxsessions": .maxSessions,
            "maxopenfiles": .maxOpenFiles, "timeout": .timeout, "silenttimeout": .silentTimeout,
            "finaltimeout": .finalTimeout, "offertimeout": .offerTimeout, "deletedelay": .deleteDelay,
            "controltos": .controlTOS, "interfaces": .interfaces, "transcoders": .transcoders, "loglevels": .logLevels,
        ]
        if let known = simple[item] { return .list(known) }
        switch item {
        case "sessions":
            guard let args, !args.isEmpty else { throw .moreParameters }
            return .list(.sessions(selection(args)))
        case "loglevel": return .list(.logLevel(subsystem: args.flatMap { $0.isEmpty ? nil : String(split($0).word) }))
        case "help": return .help(.list)
        case _ where unsupportedItems.contains(item): return .unsupported(line)
        default: throw .unknown(String(rest))
        }
    }

    private static func parseSet(_ line: String, _ rest: Substring?) throws(ParseError) -> CLIRequest {
        guard let rest, !rest.isEmpty else { throw .moreParameters }
        let (itemWord, args) = split(rest)
        let item = String(itemWord)
        if item == "help" { return .help(.set) }
        if unsupportedItems.contains(item) || item == "maxopenfiles" { return .unsupported(line) }
        if item == "loglevel" {
            guard let args, !args.isEmpty else { throw .moreParameters }
            let (first, more) = split(args)
            if first.allSatisfy(\.isNumber), let level = Int(first) { return .setLogLevel(subsystem: nil, level: level) }
            guard let more, !more.isEmpty else { throw .moreParameters }
            return .setLogLevel(subsystem: String(first), level: CNumber.prefix(split(more).word)?.value ?? 0)
        }
        guard let setting = Setting(rawValue: item) else { throw .unknown(String(rest)) }
        guard let args, !args.isEmpty else { throw .moreParameters }
        return .set(setting, value: String(split(args).word))
    }

    private static func selection(_ text: Substring) -> Selection {
        switch text {
        case "all": return .all
        case "own": return .own
        case "foreign": return .foreign
        default: return .callID(String(text))
        }
    }

    /// The first word and what follows its single separating space (nil at the end).
    static func split<S: StringProtocol>(_ text: S) -> (word: Substring, rest: Substring?) where S.SubSequence == Substring {
        guard let space = text.firstIndex(of: " ") else { return (text[...], nil) }
        return (text[..<space], text[text.index(after: space)...])
    }
}

/// C's `strtol` reading of a number: leading digits (after an optional sign) count, the
/// rest is ignored, as rtpengine reads the CLI's values.
enum CNumber {
    static func prefix(_ text: Substring) -> (value: Int, text: Substring)? {
        var i = text.startIndex
        if i < text.endIndex, text[i] == "-" || text[i] == "+" { i = text.index(after: i) }
        let digitsStart = i
        while i < text.endIndex, text[i].isASCII, text[i].isNumber { i = text.index(after: i) }
        guard i > digitsStart, let value = Int(text[text.startIndex..<i]) else { return nil }
        return (value, text[text.startIndex..<i])
    }
}
