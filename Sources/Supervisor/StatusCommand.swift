import Config
import Daemon
#if canImport(Glibc)
import Glibc
#endif

/// `rtpengine-supervisor status`: each instance's pid, uptime, restarts and ping result, from
/// the running supervisor's state file and a fresh ng ping.
enum StatusCommand {
    static func run(runDirectory: String) -> (status: Int32, output: String) {
        let path = runDirectory + "/supervisor.state"
        guard let f = fopen(path, "r") else { return (2, "no supervisor state in \(runDirectory) (is 'rtpengine-supervisor run' running?)\n") }
        defer { fclose(f) }
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        var out = "INSTANCE        PID      UPTIME  RESTARTS  PING\n"
        var allGood = true
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        while getline(&line, &capacity, f) > 0, let line {
            let fields = String(cString: line).split(whereSeparator: \.isWhitespace).map(String.init)
            guard fields.count == 5 else { continue }
            let uptime = Int(fields[2]).map { "\(wall.tv_sec - $0)s" } ?? "-"
            let ping = fields[1] == "-" ? "not running"
                : (ListenAddress.parse(fields[4]).map { NGPing.ping($0, timeout: 0.5) } == .success(true) ? "ok" : "no answer")
            if ping != "ok" { allGood = false }
            out += fields[0].padding(16) + fields[1].padding(9) + uptime.padding(8) + fields[3].padding(10) + ping + "\n"
        }
        free(line)
        return (allGood ? 0 : 1, out)
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
