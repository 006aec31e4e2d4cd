/// The single declarative list of daemon options (`table`, in `OptionTable.swift`) and
/// lookups over it. The command line, the config file, `--help`, the man page and the
/// validator all read this registry, so they cannot drift apart.
public enum OptionRegistry {
    public static var all: [OptionSpec] { table }

    private static let byLong: [String: OptionSpec] = Dictionary(
        uniqueKeysWithValues: table.map { ($0.long, $0) })
    private static let byShort: [Character: OptionSpec] = Dictionary(
        uniqueKeysWithValues: table.compactMap { spec in spec.short.map { ($0, spec) } })

    public static func spec(long: String) -> OptionSpec? { byLong[long] }
    public static func spec(short: Character) -> OptionSpec? { byShort[short] }

    /// Options that only make sense on the command line; the config file never sets them.
    public static let commandLineOnly: Set<String> = [
        "help", "version", "config-file", "config-section", "codecs",
    ]
}
