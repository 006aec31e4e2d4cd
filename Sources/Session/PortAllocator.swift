/// Hands out RTP/RTCP port pairs on an interface. The daemon's implementation binds real
/// sockets; tests use an in-memory one. Called on signalling only, never per packet.
public protocol PortAllocator: AnyObject, Sendable {
    /// `pairs` consecutive pairs, each an even RTP port and the RTCP port after it, all bound
    /// on `interface`; nil when the range has no such run free.
    func allocate(on interface: MediaInterface, pairs: Int) -> PortPair?
    /// One RTP port without its RTCP port (a section muxed from the start), `hasRTCP` false.
    func allocateRTPOnly(on interface: MediaInterface) -> PortPair?
    /// Gives back every pair of the block.
    func release(_ block: PortPair, on interface: MediaInterface)
    /// Sets the TOS byte (IPv4) or traffic class (IPv6) of a block's sockets.
    func setTOS(_ tos: Int, for block: PortPair, on interface: MediaInterface)
}

extension PortAllocator {
    /// One RTP/RTCP pair.
    public func allocate(on interface: MediaInterface) -> PortPair? { allocate(on: interface, pairs: 1) }

    /// Allocators without real sockets hand out a pair and mark it RTP only.
    public func allocateRTPOnly(on interface: MediaInterface) -> PortPair? {
        allocate(on: interface, pairs: 1).map { PortPair(rtp: $0.rtp, hasRTCP: false) }
    }

    /// Sets the TOS byte (IPv4) or traffic class (IPv6) of a block's sockets; allocators
    /// without real sockets ignore it.
    public func setTOS(_ tos: Int, for block: PortPair, on interface: MediaInterface) {}
}
