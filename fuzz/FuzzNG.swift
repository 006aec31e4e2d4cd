// libFuzzer entry point for the parsers that read network input: the ng message path
// (cookie split, bencode and JSON decoding, typed request parsing) and the SDP parser with
// the rewriter behind it. Built and run by fuzz/run.sh.
import Bencode
import ByteText
import NG
import NetAddress
import SDP
import Session

/// Ports from a counter; the fuzzer exercises the call registry, not the kernel.
final class CountingPorts: PortAllocator, @unchecked Sendable {
    var next: UInt16 = 2000
    func allocate(on interface: MediaInterface, pairs: Int) -> PortPair? {
        next = next >= 60000 ? 2000 : next + UInt16(2 * pairs)
        return next % 64 == 0 ? nil : PortPair(rtp: next, pairs: pairs)  // exhaustion now and then
    }
    func release(_ pair: PortPair, on interface: MediaInterface) {}
}

/// One registry for the whole run, so calls built by earlier inputs meet later ones.
let registry = CallRegistry(
    settings: .init(interfaces: [MediaInterface(name: "default", address: .v4(0x0100_007f)),
                                 MediaInterface(name: "v6", address: .v6(0, 1 << 56))]),
    ports: CountingPorts(), clock: { 1000 })

/// Keeps memory bounded over a long run: deletes every call at once.
func dropAllCalls() {
    var list = NGRequest(command: .list)
    list.limit = 100_000
    guard case .list(let ids)? = (try? registry.handle(list))?.first?.value else { return }
    for id in ids {
        var delete = NGRequest(command: .delete)
        delete.callID = id.bytesValue.map(ByteString.init)
        delete.deleteDelay = 0
        _ = try? registry.handle(delete)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = NGProcessor().handle(bytes)
    if let (value, _) = try? BencodeDecoder.decodePrefix(bytes) {
        _ = BencodeEncoder.encode(value)
        let commands: [NGCommand] = [.offer, .answer, .delete, .query, .list]
        let request = NGRequestParser.parse(value, command: commands[size % commands.count])
        _ = try? registry.handle(request)
        if registry.callCount > 2000 { dropAllCalls() }
    }
    if let json = NGJSON.decode(bytes) { _ = NGJSON.encode(json) }
    var framer = NGStreamFramer(maxMessageSize: 4096)
    framer.append(bytes)
    while let m = try? framer.next() { _ = m }
    // Bytes that are not UTF-8 round-trip through lossless text unchanged.
    if LosslessText.encode(LosslessText.decode(bytes)) != bytes { fatalError("lossless text lost bytes") }
    if let sdp = try? SDPParser.parse(bytes) {
        // Written out and read again, a body gives the same bytes: nothing is re-encoded.
        let written = sdp.bytes
        if let again = try? SDPParser.parse(written), again.bytes != written { fatalError("SDP bytes changed on a round trip") }
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
