import NG

extension CallRegistry {
    /// Options whose features later issues build; refusing them beats answering wrongly.
    /// Recording a call is refused only where a recording directory is set: without one,
    /// 10.5 takes `record call` and records nothing, and so does this proxy.
    static func rejectUnbuilt(_ r: NGRequest, recordingDirectory: Bool) throws(NGError) {
        if let ice = r.ice, ice != .remove { throw .notSupported("ICE=\(ice.rawValue)") }
        if !r.codec.transcode.isEmpty || !r.codec.consume.isEmpty || !r.codec.accept.isEmpty || !r.codec.set.isEmpty
            || r.has(.alwaysTranscode) || r.ptime != nil {
            throw .notSupported("transcoding")
        }
        if let t = r.transportProtocol, t != .rtpAVP, t != .rtpAVPF { throw .notSupported("transport protocol \(t.rawValue)") }
        if r.dtls != nil || !r.sdes.isEmpty || !r.osrtp.isEmpty { throw .notSupported("SRTP options") }
        if recordingDirectory, r.recordCall == true || r.has(.recordCall) { throw .notSupported("call recording") }
    }
}
