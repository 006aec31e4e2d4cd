/// Text written as bytes: how the wire formats (bencode, SDP) build their output. A number
/// or string appended here costs no intermediate `String` or array, which per request
/// was a large part of writing a reply.
extension Array where Element == UInt8 {
    /// Appends a string's UTF-8 bytes with one copy (appending `utf8` as a sequence goes
    /// byte by byte).
    @inlinable
    public mutating func appendUTF8(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append(contentsOf: $0) }) == nil {
            append(contentsOf: text.utf8)
        }
    }

    /// Appends `n` in decimal, with a minus sign when negative.
    @inlinable
    public mutating func appendDecimal(_ n: Int64) {
        if n < 0 { append(UInt8(ascii: "-")) }
        appendDigits(n.magnitude)
    }

    @inlinable
    mutating func appendDigits(_ n: UInt64) {
        if n >= 10 { appendDigits(n / 10) }
        append(UInt8(ascii: "0") + UInt8(n % 10))
    }
}

/// How many bytes `appendDecimal(n)` appends.
@inlinable
public func decimalCount(_ n: Int64) -> Int {
    var count = n < 0 ? 2 : 1
    var rest = n.magnitude / 10
    while rest > 0 {
        count += 1
        rest /= 10
    }
    return count
}
