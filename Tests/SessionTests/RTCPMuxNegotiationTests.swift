import NG
import Testing
@testable import Session

/// 10.5's rtcp-mux negotiation for one section, without sockets.
@Suite struct RTCPMuxNegotiationTests {
    func leg(mux: Bool = false) -> MediaLeg {
        var m = MediaLeg(index: 1, type: "audio", proto: "RTP/AVP")
        m.rtcpMux = mux
        return m
    }

    /// An offer from `a` to `b`, as `apply` makes it: the SDP goes to `b`.
    func offer(_ options: Set<NGRequest.RTCPMuxOption>, _ a: inout MediaLeg, _ b: inout MediaLeg) -> RewritePlan.MuxMode {
        defer { b.sdpSent = true }
        return CallRegistry.negotiateMux(isOffer: true, options: options, sender: &a, receiver: &b)
    }

    @Test func anOfferPassesMuxOnAndTheAnswerDecides() {
        var a = leg(mux: true), b = leg()
        #expect(offer([], &a, &b) == .offered)
        #expect(b.rtcpMux && !a.rtcpMuxDecided)
        b.rtcpMux = false  // the callee's answer refuses
        #expect(CallRegistry.negotiateMux(isOffer: false, options: [], sender: &b, receiver: &a) == .off)
        #expect(!a.rtcpMux)
    }

    @Test func muxOnceInPlaceStaysAndIsWrittenOnTheRTPPort() {
        var a = leg(), b = leg(mux: true)
        // The callee already talks mux: a re-offer without it keeps mux towards the callee,
        // even under demux.
        #expect(offer([.demux], &a, &b) == .muxed)
        #expect(b.rtcpMux)
        // Mux was not offered by the caller: the answer cannot grant it.
        #expect(a.rtcpMuxDecided)
        #expect(CallRegistry.negotiateMux(isOffer: false, options: [], sender: &b, receiver: &a) == .off)
    }

    @Test func optionsOfTheOffer() {
        var a = leg(), b = leg()
        #expect(offer([.require], &a, &b) == .muxed)
        a = leg(mux: true); b = leg()
        #expect(offer([.demux], &a, &b) == .off)
        // Demuxed towards the callee, the caller keeps mux whatever the callee answers.
        b.rtcpMux = false
        #expect(CallRegistry.negotiateMux(isOffer: false, options: [], sender: &b, receiver: &a) == .muxed)
        a = leg(mux: true); b = leg()
        #expect(offer([.reject], &a, &b) == .offered)
        b.rtcpMux = true
        #expect(CallRegistry.negotiateMux(isOffer: false, options: [], sender: &b, receiver: &a) == .off)
        // `accept` beside `reject` wins: the caller keeps mux whatever the callee answers.
        a = leg(mux: true); b = leg()
        #expect(offer([.reject, .accept], &a, &b) == .offered)
        b.rtcpMux = false
        #expect(CallRegistry.negotiateMux(isOffer: false, options: [], sender: &b, receiver: &a) == .muxed)
    }

    /// A section no offer to the answerer had: its mux passes whatever the offerer decided
    /// with another branch (10.5).
    @Test func anAnswerForASectionNotOfferedToItPassesItsMux() {
        var a = leg(), b = leg(), c = leg()
        _ = offer([], &a, &c)
        #expect(a.rtcpMuxDecided)
        b.rtcpMux = true
        #expect(CallRegistry.negotiateMux(isOffer: false, options: [], sender: &b, receiver: &a) == .muxed)
    }
}
