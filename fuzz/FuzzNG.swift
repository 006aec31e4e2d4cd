// libFuzzer entry point for the parsers that read network input: the ng message path
// (cookie split, bencode and JSON decoding, typed request parsing) and the SDP parser with
// the rewriter behind it. Built and run by fuzz/run.sh.
import Bencode
import NG
import NetAddress
import SDP
import Session

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = NGProcessor().handle(bytes)
    if let (value, _) = try? BencodeDecoder.decodePrefix(bytes) {
        _ = BencodeEncoder.encode(value)
        _ = NGRequestParser.parse(value, command: .offer)
    }
    if let json = NGJSON.decode(bytes) { _ = NGJSON.encode(json) }
    var framer = NGStreamFramer(maxMessageSize: 4096)
    framer.append(bytes)
    while let m = try? framer.next() { _ = m }
    if let sdp = try? SDPParser.parse(String(decoding: bytes, as: UTF8.self)) {
        _ = sdp.text
        var plan = RewritePlan(address: .v4(0x0100_007f), rtpPorts: sdp.media.indices.map { UInt16(30000 + 2 * $0) })
        plan.rtcpAttribute = size % 2 == 0 ? .short : .full
        _ = SDPRewriter.rewrite(sdp, plan: plan).text
        for m in sdp.media {
            for line in m.lines {
                _ = line.attributeValue.flatMap(RTPMap.init(parsing:))
                _ = line.attributeValue.flatMap(RTCPAttribute.init(parsing:))
            }
        }
    }
    return 0
}
