import NG
import SDP

/// Codec manipulation on an SDP's own codecs (no transcoding): `strip`, `except`, `offer`
/// and `mask` on offers, `single codec` on answers, with rtpengine 10.5's rules.
enum CodecFilter {
    /// A payload type with what identifies its codec.
    struct Codec {
        var format: String
        var name: String
        var clock: Int
        var channels: Int

        /// telephone-event and comfort noise ride along with whatever codec is chosen.
        var isSupplemental: Bool {
            let n = name.lowercased()
            return n == "telephone-event" || n == "cn"
        }

        /// Whether `spec` (`NAME[/CLOCK[/CHANNELS]]`, name case-insensitive) names this codec.
        func matches(_ spec: String) -> Bool {
            let parts = spec.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts[0].lowercased() == name.lowercased() else { return false }
            if parts.count > 1, !parts[1].isEmpty, Int(parts[1]) != clock { return false }
            if parts.count > 2, !parts[2].isEmpty, Int(parts[2]) != channels { return false }
            if parts.count == 2, channels != 1 { return false }  // NAME/CLOCK means mono
            return true
        }
    }

    static func codecs(of m: MediaDescription) -> [Codec] {
        var maps: [String: RTPMap] = [:]
        for line in m.attributes("rtpmap") {
            if let map = line.attributeValue.flatMap(RTPMap.init(parsing:)) { maps[String(map.payloadType)] = map }
        }
        return m.mediaLine.formats.map { fmt in
            if let map = maps[fmt] {
                return Codec(format: fmt, name: map.encoding, clock: map.clockRate, channels: map.channels ?? 1)
            }
            if let pt = Int(fmt), let (name, clock, channels) = StaticPayloadTypes.table[pt] {
                return Codec(format: fmt, name: name, clock: clock, channels: channels ?? 1)
            }
            return Codec(format: fmt, name: "", clock: 0, channels: 1)
        }
    }

    /// The formats an offer goes out with, or nil to leave them as they are.
    static func offerFormats(_ m: MediaDescription, _ options: NGRequest.CodecOptions) -> [String]? {
        let removing = options.strip + options.mask
        guard m.mediaLine.isRTP, !removing.isEmpty else { return nil }
        let all = codecs(of: m)
        let removeAll = removing.contains { ["all", "full"].contains($0.lowercased()) }
        var out = all.filter { codec in
            if options.except.contains(where: codec.matches) { return true }
            return !(removeAll || removing.contains(where: codec.matches))
        }
        // `offer` puts stripped codecs back, after the last surviving main codec.
        var insertAt = (out.lastIndex { !$0.isSupplemental }).map { $0 + 1 } ?? 0
        for spec in options.offer {
            for codec in all where codec.matches(spec) && !out.contains(where: { $0.format == codec.format }) {
                out.insert(codec, at: insertAt)
                insertAt += 1
            }
        }
        // Stripping every codec is refused: the offer keeps its original list.
        return out.isEmpty ? nil : out.map(\.format)
    }

    /// `single codec` on an answer: the first main codec plus the supplemental ones.
    static func singleCodecFormats(_ m: MediaDescription) -> [String]? {
        guard m.mediaLine.isRTP else { return nil }
        let all = codecs(of: m)
        guard let first = all.firstIndex(where: { !$0.isSupplemental }) else { return nil }
        return all.enumerated().filter { $0.offset == first || $0.element.isSupplemental }.map(\.element.format)
    }

    /// The formats of a forked branch's answer as the offerer gets them: those it was
    /// already answered with, when the branch shares a main codec with them; otherwise
    /// the earlier answer's formats unchanged (rtpengine 10.5's behaviour).
    static func forkAnswerFormats(_ m: MediaDescription, current: [String]?, previous: [String]?) -> [String]? {
        guard let previous, m.mediaLine.isRTP, !m.isRejected else { return current }
        let answered = codecs(of: m).filter { (current ?? m.mediaLine.formats).contains($0.format) }
        let shared = answered.filter { previous.contains($0.format) }
        return shared.contains(where: { !$0.isSupplemental }) ? shared.map(\.format) : previous
    }
}
