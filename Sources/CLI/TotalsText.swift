import Bencode

/// `list totals` and `list interfaces`: the `statistics` dictionary in rtpengine's text layout.
enum TotalsText {
    static let currentLabels = [
        "Owned sessions", "Foreign sessions", "Total sessions", "Transcoded media",
        "Packets per second (userspace)", "Bytes per second (userspace)", "Errors per second (userspace)",
        "Packets per second (kernel)", "Bytes per second (kernel)", "Errors per second (kernel)",
        "Packets per second (total)", "Bytes per second (total)", "Errors per second (total)",
        "Userspace-only media streams", "Kernel-only media streams", "Mixed kernel/userspace media streams",
    ]
    /// Labels and units of `totalstatistics`, in the dictionary's order.
    static let totalLabels: [(String, String)] = [
        ("Uptime of rtpengine", " seconds"), ("Total managed sessions", ""), ("Total rejected sessions", ""),
        ("Total timed-out sessions via TIMEOUT", ""), ("Total timed-out sessions via SILENT_TIMEOUT", ""),
        ("Total timed-out sessions via FINAL_TIMEOUT", ""), ("Total timed-out sessions via OFFER_TIMEOUT", ""),
        ("Total regular terminated sessions", ""), ("Total forced terminated sessions", ""),
        ("Total relayed packets (userspace)", ""), ("Total relayed packet errors (userspace)", ""),
        ("Total relayed bytes (userspace)", ""), ("Total relayed packets (kernel)", ""),
        ("Total relayed packet errors (kernel)", ""), ("Total relayed bytes (kernel)", ""), ("Total relayed packets", ""),
        ("Total relayed packet errors", ""), ("Total relayed bytes", ""),
        ("Total number of streams with no relayed packets", ""), ("Total number of 1-way streams", ""),
        ("Average call duration", " seconds"), ("Total calls duration", " seconds"),
        ("Total calls duration squared", " seconds squared"), ("Total calls duration standard deviation", " seconds"),
    ]
    static let mosLabels = [
        "Sum of all MOS values sampled", "Sum of all MOS square values sampled", "Total number of MOS samples",
        "Average MOS", "MOS standard deviation",
    ]
    /// Column titles of the control statistics table, in `ControlStatistics.counted` order.
    static let controlColumns = [
        "Ping", "Offer", "Answer", "Delete", "Query", "List", "StartRec", "StopRec", "StartFwd", "StopFwd", "BlkDTMF",
        "UnblkDTMF", "BlkMedia", "UnblkMedia", "PlayMedia", "StopMedia", "PlayDTMF", "Stats", "SlnMedia", "UnslnMedia",
        "Pub", "SubReq", "SubAns", "Unsub",
    ]

    static func line(_ label: String, _ value: String) -> String {
        " \(TextLayout.left(label, 48)):\(value)\n"
    }

    static func text(_ v: BencodeValue?) -> String {
        switch v {
        case .integer(let n)?: return String(n)
        case .string(let s)?: return String(decoding: s, as: UTF8.self)
        default: return "0"
        }
    }

    static func values(_ v: BencodeValue?) -> [BencodeValue] {
        guard case .dictionary(let entries)? = v else { return [] }
        return entries.map(\.value)
    }

    static func render(_ stats: BencodeValue) -> String {
        var out = "\nStatistics over currently running sessions:\n\n"
        for (label, value) in zip(currentLabels, values(stats["currentstatistics"])) { out += line(label, text(value)) }
        out += "\nTotal statistics (does not include current running sessions):\n\n"
        for ((label, unit), value) in zip(totalLabels, values(stats["totalstatistics"])) { out += line(label, text(value) + unit) }

        let interval = stats["intervalstatistics"]
        out += "\n\nGraphite interval statistics (last reported values to graphite):\n"
        out += line("Total calls duration", text(interval?["totalcallsduration"]) + " seconds") + "\n"
        out += line("Min managed sessions", text(interval?["minmanagedsessions"]))
        out += line("Max managed sessions", text(interval?["maxmanagedsessions"]))
        let commands = intervalCommands(interval)
        for c in commands {
            let triple = ["min", "max", "avg"].map { text(interval?["\($0)\(c)delay"]) }.joined(separator: "/")
            out += line("Min/Max/Avg \(c) processing delay", triple + " sec")
        }
        for c in commands {
            let triple = ["min", "max", "avg"].map { text(interval?["\($0)\(c)requestrate"]) }.joined(separator: "/")
            out += line("Min/Max/Avg \(c) requests per second", triple + " per sec")
        }

        out += "\n\nMOS statistics:\n\n"
        for (label, value) in zip(mosLabels, values(stats["mos"])) { out += line(label, text(value)) }

        out += "\n\nControl statistics:\n\n"
        out += " \(TextLayout.right("Proxy", 20)) " + controlColumns.map { "| \(TextLayout.right($0, 10)) " }.joined() + "\n"
        if case .list(let proxies)? = stats["controlstatistics"]?["proxies"] {
            for proxy in proxies {
                // Each proxy's entries: its address, then count and duration per command, then errors.
                guard case .dictionary(let entries) = proxy else { continue }
                let counts = entries.filter { $0.key.hasSuffix("count") && $0.key != "errorcount" }.map { text($0.value) }
                out += " \(TextLayout.right(text(proxy["proxy"]), 20)) " + counts.map { "| \(TextLayout.right($0, 10)) " }.joined() + "\n"
            }
        }
        return out + "\n\n\n\n"
    }

    /// The command names of the interval statistics, in their order (`min<command>delay` keys).
    static func intervalCommands(_ interval: BencodeValue?) -> [String] {
        guard case .dictionary(let entries)? = interval else { return [] }
        return entries.compactMap { e in
            guard e.key.hasPrefix("min"), e.key.hasSuffix("delay"), e.key != "minmanagedsessions" else { return nil }
            return String(e.key.dropFirst(3).dropLast(5))
        }
    }

    static func interfaces(_ stats: BencodeValue) -> String {
        guard case .list(let list)? = stats["interfaces"] else { return "" }
        return list.map { iface in
            let address = text(iface["address"])
            let ports = iface["ports"]
            let used = Int(text(ports?["used"])) ?? 0, total = Int(text(ports?["totals"])) ?? 0
            let pct = total > 0 ? Double(used) * 100 / Double(total) : 0
            return "Interface '\(text(iface["name"]))' address '\(address)' (\(address.contains(":") ? "IPv6" : "IPv4"))\n"
                + " Port range: \(text(ports?["min"])) - \(text(ports?["max"]))\n"
                + " Ports used: \(TextLayout.right(String(used), 5)) / \(TextLayout.right(String(total), 5)) "
                + "(\(TextLayout.right(TextLayout.fixed(pct, digits: 1), 5))%)\n"
                + " Last port used: \(text(ports?["last"]))\n"
        }.joined()
    }
}
