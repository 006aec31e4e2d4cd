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

    @Test func anOfferPassesMuxOnAndTheAnswerDecides() {
        var a = leg(mux: true), b = leg()
        #expect(CallRegistry.negotiateMux(isOffer: true, options: [], sender: &a, receiver: &b) == .offered)
        #expect(b.rtcpMux && !a.rtcpMuxDecided)
        b.rtcpMux = false  // the callee's answer refuses
        #expect(CallRegistry.negotiateMux(isOffer: false, options: [], sender: &b, receiver: &a) == .off)
        #expect(!a.rtcpMux)
    }

    @Test func muxOnceInPlaceStaysAndIsWrittenOnTheRTPPort() {
        var a = leg(), b = leg(mux: true)
        // The callee already talks mux: a re-offer without it keeps mux towards the callee,
        // even under demux.
        #expect(CallRegistry.negotiateMux(isOffer: true, options: [.demux], sender: &a, receiver: &b) == .muxed)
        #expect(b.rtcpMux)
        // Mux was not offered by the caller: the answer cannot grant it.
        #expect(a.rtcpMuxDecided)
        #expect(CallRegistry.negotiateMux(isOffer: false, options: [], sender: &b, receiver: &a) == .off)
    }

    @Test func optionsOfTheOffer() {
        var a = leg(), b = leg()
        #expect(CallRegistry.negotiateMux(isOffer: true, options: [.require], sender: &a, receiver: &b) == .muxed)
        a = leg(mux: true); b = leg()
        #expect(CallRegistry.negotiateMux(isOffer: true, options: [.demux], sender: &a, receiver: &b) == .off)
        // Demuxed towards the callee, the caller keeps mux whatever the callee answers.
        b.rtcpMux = false
        #expect(CallRegistry.negotiateMux(isOffer: false, options: [], sender: &b, receiver: &a) == .muxed)
        a = leg(mux: true); b = leg()
        #expect(CallRegistry.negotiateMux(isOffer: true, options: [.reject], sender: &a, receiver: &b) == .offered)
        b.rtcpMux = true
        #expect(CallRegistry.negotiateMux(isOffer: false, options: [], sender: &b, receiver: &a) == .off)
        // `accept` beside `reject` wins: the caller keeps mux whatever the callee answers.
        a = leg(mux: true); b = leg()
        #expect(CallRegistry.negotiateMux(isOffer: true, options: [.reject, .accept], sender: &a, receiver: &b) == .offered)
        b.rtcpMux = false
        #expect(CallRegistry.negotiateMux(isOffer: false, options: [], sender: &b, receiver: &a) == .muxed)
    }
}
