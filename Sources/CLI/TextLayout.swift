/// printf-style padding and numbers, for the CLI's column layouts and the figures of
/// `statistics`.
public enum TextLayout {
    /// `%Ns`: right-aligned in `width` (longer text is kept whole).
    static func right(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// `%-Ns`: left-aligned in `width`.
    static func left(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// `%.Nf`, rounded half away from zero, as rtpengine prints its figures.
    public static func fixed(_ d: Double, digits: Int) -> String {
        let scale = (0..<digits).reduce(1.0) { acc, _ in acc * 10 }
        let scaled = (abs(d) * scale).rounded()
        let whole = Int(scaled / scale)
        let sign = d < 0 && scaled > 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let frac = String(Int(scaled.truncatingRemainder(dividingBy: scale)))
        return "\(sign)\(whole)." + String(repeating: "0", count: max(0, digits - frac.count)) + frac
    }
}
