extension CallRegistry {
    /// rtcp-mux (RFC 5761) in an outgoing SDP, per the `rtcp-mux` options of the offer:
    /// an offer passes the offerer's wish on unless told otherwise; an answer grants mux to
    /// an offerer that asked for it when the answerer agreed or the options accept it.
    static func muxMode(isOffer: Bool, options: Set<String>, receiverOffered: Bool, senderMux: Bool)
        -> RewritePlan.MuxMode {
        if isOffer {
            if options.contains("require") { return .muxed }
            if options.contains("offer") || (senderMux && !options.contains("demux")) { return .offered }
            return .off
        }
        guard receiverOffered, !options.contains("reject") else { return .off }
        let granted = senderMux || !options.isDisjoint(with: ["demux", "accept", "require"])
        return granted ? .muxed : .off
    }
}
