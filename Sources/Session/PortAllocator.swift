/// Hands out RTP/RTCP port pairs on an interface. The daemon's implementation binds real
/// sockets; tests use an in-memory one. Called on signalling only, never per packet.
public protocol PortAllocator: AnyObject, Sendable {
    /// An even RTP port and the RTCP port after it, both bound on `interface`; nil when the
    /// range is exhausted.
    func allocate(on interface: MediaInterface) -> PortPair?
    func release(_ pair: PortPair, on interface: MediaInterface)
    /// Sets the TOS byte (IPv4) or traffic class (IPv6) of a pair's sockets.
    func setTOS(_ tos: Int, for pair: PortPair, on interface: MediaInterface)
}

extension PortAllocator {
    /// Sets the TOS byte (IPv4) or traffic class (IPv6) of a pair's sockets; allocators
    /// without real sockets ignore it.
    public func setTOS(_ tos: Int, for pair: PortPair, on interface: MediaInterface) {}
}
