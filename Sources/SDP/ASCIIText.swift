/// Splitting and searching on one ASCII byte over the UTF-8 bytes. SDP's separators are
/// ASCII, and Swift's Character view segments graphemes on every step, which made parsing
/// the largest cost of an offer.

/// Pieces of `buffer` between `separator` bytes, made by `piece(from, to)`; the rules of
/// `split(separator:maxSplits:omittingEmptySubsequences:)`.
@inline(__always)
private func splitBytes<T>(_ buffer: UnsafeBufferPointer<UInt8>, _ separator: UInt8, _ maxSplits: Int,
                           _ omittingEmpty: Bool, _ piece: (Int, Int) -> T) -> [T] {
    var out: [T] = []
    out.reserveCapacity(8)
    var from = 0
    for i in 0..<buffer.count where buffer[i] == separator && out.count < maxSplits {
        if !(omittingEmpty && from == i) { out.append(piece(from, i)) }
        from = i + 1
    }
    if !(omittingEmpty && from == buffer.count) { out.append(piece(from, buffer.count)) }
    return out
}

extension StringProtocol where SubSequence == Substring {
    /// Like `split(separator:maxSplits:omittingEmptySubsequences:)` with an ASCII separator.
    public func asciiSplit(_ separator: UInt8, maxSplits: Int = .max, omittingEmpty: Bool = true) -> [Substring] {
        let bytes = utf8
        let start = bytes.startIndex
        // Over contiguous storage (native strings) byte offsets are positions in O(1).
        let fast: [Substring]? = bytes.withContiguousStorageIfAvailable { buffer in
            splitBytes(buffer, separator, maxSplits, omittingEmpty) { from, to in
                self[bytes.index(start, offsetBy: from)..<bytes.index(start, offsetBy: to)]
            }
        }
        return fast ?? split(separator: Character(Unicode.Scalar(separator)), maxSplits: maxSplits,
                             omittingEmptySubsequences: omittingEmpty)
    }

    /// `asciiSplit` into `String`s made straight from the bytes: short fields become small
    /// strings without allocation, and no substring index is built or checked.
    public func asciiFields(_ separator: UInt8, maxSplits: Int = .max, omittingEmpty: Bool = true) -> [String] {
        func fields(_ buffer: UnsafeBufferPointer<UInt8>) -> [String] {
            splitBytes(buffer, separator, maxSplits, omittingEmpty) { from, to in
                String(decoding: UnsafeBufferPointer(rebasing: buffer[from..<to]), as: UTF8.self)
            }
        }
        return withUTF8Bytes(fields)
    }

    /// Runs `body` over the UTF-8 bytes: in place for native strings, over a copy otherwise.
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        utf8.withContiguousStorageIfAvailable(body) ?? Array(utf8).withUnsafeBufferPointer(body)
    }

    /// The position of the first `byte` (an ASCII character).
    public func asciiFirstIndex(of byte: UInt8) -> String.Index? {
        utf8.firstIndex(of: byte)
    }

    /// Whether `needle` (ASCII) occurs, compared byte by byte. Swift's `contains(_:)` on
    /// strings goes through the regex engine's generic search and cost an offer ~15k
    /// instructions for a four-letter word.
    public func asciiContains(_ needle: StaticString) -> Bool {
        let n = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        func search(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard !n.isEmpty else { return true }
            guard bytes.count >= n.count else { return false }
            for i in 0...(bytes.count - n.count) where bytes[i] == n[0] {
                var j = 1
                while j < n.count, bytes[i + j] == n[j] { j += 1 }
                if j == n.count { return true }
            }
            return false
        }
        return withUTF8Bytes(search)
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The bytes in `range` as a string (UTF-8, as the line's own text is): the parsers
    /// that read fields over a line's bytes make their fields with it.
    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: self[range]), as: UTF8.self)
    }
}
