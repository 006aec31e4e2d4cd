/// Splitting and searching on one ASCII byte over the UTF-8 bytes. SDP's separators are
/// ASCII, and Swift's Character view segments graphemes on every step, which made parsing
/// the largest cost of an offer.
extension StringProtocol where SubSequence == Substring {
    /// Like `split(separator:maxSplits:omittingEmptySubsequences:)` with an ASCII separator.
    public func asciiSplit(_ separator: UInt8, maxSplits: Int = .max, omittingEmpty: Bool = true) -> [Substring] {
        let bytes = utf8
        let start = bytes.startIndex
        // Over contiguous storage (native strings) byte offsets are positions in O(1).
        let fast: [Substring]? = bytes.withContiguousStorageIfAvailable { buffer in
            var out: [Substring] = []
            out.reserveCapacity(8)
            func piece(_ from: Int, _ to: Int) -> Substring {
                self[bytes.index(start, offsetBy: from)..<bytes.index(start, offsetBy: to)]
            }
            var from = 0
            for i in 0..<buffer.count where buffer[i] == separator && out.count < maxSplits {
                if !(omittingEmpty && from == i) { out.append(piece(from, i)) }
                from = i + 1
            }
            if !(omittingEmpty && from == buffer.count) { out.append(piece(from, buffer.count)) }
            return out
        }
        return fast ?? split(separator: Character(Unicode.Scalar(separator)), maxSplits: maxSplits,
                             omittingEmptySubsequences: omittingEmpty)
    }

    /// The position of the first `byte` (an ASCII character).
    public func asciiFirstIndex(of byte: UInt8) -> String.Index? {
        utf8.firstIndex(of: byte)
    }
}
