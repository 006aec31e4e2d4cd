import NG

extension CallRegistry {
    /// rtcp-mux (RFC 5761) for one section as 10.5 negotiates it, from `sender`'s SDP (its
    /// `rtcpMux` already set from it) to `receiver`; returns how the SDP to the receiver
    /// states it. An offer passes the offerer's wish on, keeps mux with a receiver that
    /// already has it, and follows `offer`/`require`/`demux`; it also settles whether the
    /// answer may change the offerer's mux (`accept`, `reject`, or mux not offered both
    /// ways). An answer otherwise gives the offerer what the answerer chose; one from another
    /// branch of a fork (`otherBranch`) does so whatever the offer settled; one from a
    /// participant the offerer's last offer of the section did not go to (`keepsOffererMux`)
    /// only if the last offer to it came with mux; to an offerer that
    /// never sent SDP (`offererSpoke`) only if the last offer to the answerer, if any, offered
    /// mux. Mux already in place for the receiver (`inPlace`: in another of its sections),
    /// required, or given in an answer is written with RTCP on the RTP port; newly offered
    /// mux keeps the separate RTCP port as fallback.
    static func negotiateMux(isOffer: Bool, options: Set<NGRequest.RTCPMuxOption>, inPlace: Bool = false,
                             otherBranch: Bool = false, keepsOffererMux: Bool = false, offererSpoke: Bool = true,
                             sender: inout MediaLeg, receiver: inout MediaLeg) -> RewritePlan.MuxMode {
        let before = receiver.rtcpMux || inPlace
        if isOffer {
            if !receiver.rtcpMux {
                receiver.rtcpMux = sender.rtcpMux
                if !options.isDisjoint(with: [.offer, .require]) {
                    receiver.rtcpMux = true
                } else if options.contains(.demux) {
                    receiver.rtcpMux = false
                }
            }
            sender.rtcpMuxDecided = !sender.rtcpMux || !receiver.rtcpMux
                || !options.isDisjoint(with: [.accept, .reject])
            // (`accept` beside `reject` wins, in either order.)
            if sender.rtcpMux, options.contains(.reject), !options.contains(.accept) { sender.rtcpMux = false }
        } else if keepsOffererMux && sender.sdpSent && sender.offeredMux != nil {
            // (Only as far as the last offer to it came with mux.)
            if sender.offeredMux == true { receiver.rtcpMux = sender.rtcpMux }
        } else if (otherBranch || keepsOffererMux || !sender.sdpSent || !receiver.rtcpMuxDecided) && (offererSpoke || !sender.sdpSent || sender.offeredMux != false) {
            // (A section no offer to the answerer had is answered as a branch's would be:
            // the offerer's decision was made with another; so too by an answerer no offer
            // came to.)
            // (To an offerer that never sent SDP, an answer's from-tag nobody has, the
            // answer gives mux only as far as the last offer to the answerer came with it
            // from its sender, if one came: mux the proxy carried over from another section
            // does not count.)
            receiver.rtcpMux = sender.rtcpMux
        }
        guard receiver.rtcpMux else { return .off }
        return before || !isOffer || options.contains(.require) ? .muxed : .offered
    }
}
