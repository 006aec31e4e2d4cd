import Bencode
import NG

/// `list jsonstats`: the `statistics` dictionary as compact JSON. Figures the ng reply
/// carries as text (`"0.000000"`, uptime) are JSON numbers here, as rtpengine prints them.
enum StatisticsJSON {
    /// Keys whose values are text even when they look like numbers.
    static let textKeys: Set<String> = ["name", "address", "proxy"]

    static func encode(_ value: BencodeValue) -> String {
        String(decoding: NGJSON.encode(value) { key, text in !textKeys.contains(key) && isNumber(text) }, as: UTF8.self)
    }

    /// `12`, `-3` or `0.25`: digits with at most one inner point.
    static func isNumber(_ text: [UInt8]) -> Bool {
        let body = text.first == UInt8(ascii: "-") ? text.dropFirst() : text[...]
        let parts = body.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return !body.isEmpty && parts.count <= 2
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
    }
}
