"""The generator's domain: everything the differential tester may put into a request, in one
place. Extend the tables here (and, for a new kind of step, generator.py); nothing else in
the tool knows which flags or codecs exist.

Out of the domain on purpose (features our daemon does not have yet; never generate them):
SRTP (RTP/SAVP, RTP/SAVPF, UDP/TLS, a=crypto, a=fingerprint, SDES, DTLS, OSRTP), ICE other
than `ICE: remove` (ICE attributes appear in an SDP only together with `ICE: remove`),
transcoding (codec transcode/consume/accept/set, the `ptime` key, always-transcode, a
codec-offer of a codec absent from the SDP), DTMF, the T.38 gateway flags, media playback,
recording beyond the `record call` flag.
"""

# Both daemons are started with these logical interfaces (see daemons.py). `direction`
# values are drawn from their names (plus an unknown one, which both must treat alike).
INTERFACES = [
    "127.0.0.1",
    "::1",
    "priv/127.0.0.2",
    "ext:1/127.0.0.3",
    "ext:2/127.0.0.4",
    "nat/127.0.0.6!203.0.113.99",
]
DIRECTION_NAMES = ["default", "priv", "ext", "ext:1", "ext:2", "nat", "internal", "external", "nope"]

# Static payload types (RFC 3551) with their implied rtpmap.
STATIC_AUDIO = {0: "PCMU/8000", 3: "GSM/8000", 4: "G723/8000", 5: "DVI4/8000", 8: "PCMA/8000",
                9: "G722/8000", 10: "L16/44100/2", 13: "CN/8000", 15: "G728/8000", 18: "G729/8000"}
STATIC_VIDEO = {26: "JPEG/90000", 31: "H261/90000", 34: "H263/90000"}

# Dynamic codecs: (encoding, possible fmtp values or None).
DYNAMIC_AUDIO = [
    ("opus/48000/2", ["minptime=10;useinbandfec=1", "useinbandfec=1", None]),
    ("opus/48000", [None]),
    ("telephone-event/8000", ["0-16", "0-15", "0-11,16", None]),
    ("telephone-event/48000", ["0-15", None]),
    ("AMR/8000", ["octet-align=1", None]),
    ("AMR-WB/16000", ["mode-change-capability=2", None]),
    ("speex/16000", [None]),
    ("iLBC/8000", ["mode=30", None]),
    ("G7221/16000", ["bitrate=24000"]),
]
DYNAMIC_VIDEO = [
    ("H264/90000", ["profile-level-id=42e01f;packetization-mode=1", "packetization-mode=0", None]),
    ("VP8/90000", [None, "max-fr=30;max-fs=3600"]),
    ("VP9/90000", [None]),
    ("H263-1998/90000", ["CIF=1;QCIF=1", None]),
]
DYNAMIC_PT_RANGE = (96, 127)

# Codec names the codec flags may name (present in the SDP or not), besides the special
# keywords `all` and `full`. Mixed-case spellings are produced by generator.spell_codec.
CODEC_NAMES = ["PCMU", "PCMA", "G722", "GSM", "G729", "CN", "opus", "telephone-event", "H264",
               "VP8", "AMR", "speex", "iLBC", "G723", "opus/48000/2", "opus/48000", "PCMA/8000",
               "telephone-event/8000", "H264/90000"]
CODEC_KEYWORDS = ["all", "full"]
# Codecs Debian's rtpengine 10.5 can both decode and encode (`rtpengine --codecs`: "fully
# supported"); the others it can at most decode.
TRANSCODABLE_BY_105 = {"pcma", "pcmu", "g723", "g722", "g729", "g729a", "speex", "gsm", "opus",
                       "telephone-event", "cn"}
# `mask` is left out: 10.5 masks through its transcoding engine (which then drops codecs it
# cannot decode and adds telephone-event), a feature this proxy does not have yet.
CODEC_ACTIONS_NAMED = ["strip", "except"]  # may name any codec
CODEC_ACTIONS_PRESENT = ["offer"]                   # only codecs already in the SDP

# Transport profiles for RTP m= lines (no SRTP).
RTP_PROTOS = ["RTP/AVP", "RTP/AVP", "RTP/AVP", "RTP/AVPF"]
TRANSPORT_PROTOCOL_VALUES = ["RTP/AVP", "RTP/AVPF"]

# Non-RTP m= lines: (template with PORT, extra attribute lines). The template is an m= line;
# an answer to one of these repeats its media and proto.
NON_RTP_MEDIA = [
    ("m=image PORT udptl t38", ["a=T38FaxVersion:0", "a=T38MaxBitRate:14400", "a=T38FaxRateManagement:transferredTCF"]),
    ("m=image PORT UDPTL t38", ["a=T38FaxVersion:0"]),
    ("m=image PORT udptl tiff", []),
    ("m=message PORT TCP/MSRP *", ["a=accept-types:text/plain", "a=path:msrp://198.51.100.7:PORT/abcd;tcp"]),
    ("m=application PORT UDP/BFCP *", ["a=floorctrl:c-s", "a=confid:1", "a=userid:2"]),
    ("m=application PORT TCP/BFCP *", ["a=connection:new"]),
    ("m=application 0 *", []),
    ("m=text PORT RTP/AVP 98", ["a=rtpmap:98 t140/1000"]),
]

# `replace` options: canonical words (spelled with spaces, hyphens or underscores).
REPLACE_OPTIONS = [["origin"], ["session", "connection"], ["SDP", "version"], ["username"],
                   ["session", "name"], ["zero", "address"]]

# rtcp-mux list values.
RTCP_MUX_OPTIONS = ["offer", "require", "demux", "accept", "reject"]

# Plain flags for the `flags` list (canonical words) and where they make sense.
FLAGS_BOTH = [["trust", "address"], ["SIP", "source", "address"], ["symmetric"], ["asymmetric"],
              ["port", "latching"], ["original", "sendrecv"], ["full", "rtcp", "attribute"],
              ["no", "rtcp", "attribute"], ["generate", "mid"], ["strip", "extmap"],
              ["loop", "protect"], ["record", "call"]]
FLAGS_ANSWER = [["single", "codec"]]
# Flag-list forms of dictionary options ("replace-origin", "rtcp-mux-demux", "RTP/AVPF").
FLAG_FORMS_OF_KEYS = ["replace-origin", "replace-session-connection", "rtcp-mux-demux",
                      "rtcp-mux-offer", "rtcp-mux-reject", "RTP/AVPF", "RTP/AVP",
                      "SIP-source-address", "address-family-IP6"]

# Dictionary keys, canonical words; spelled with space or hyphen.
KEY_ADDRESS_FAMILY = ["address", "family"]
KEY_TRANSPORT = ["transport", "protocol"]
KEY_MEDIA_ADDRESS = ["media", "address"]
KEY_RECEIVED_FROM = ["received", "from"]
KEY_DELETE_DELAY = ["delete", "delay"]
KEY_RECORD_CALL = ["record", "call"]
ADDRESS_FAMILIES = ["IP4", "IP6"]
RECORD_CALL_VALUES = ["yes", "no", "on", "off"]
TOS_VALUES = [0, 46, 184, 255, 256, -1]

# Addresses the generated endpoints use (never one of the daemons' own).
CALLER_V4 = ["198.51.100.1", "198.51.100.2", "198.51.100.10"]
CALLEE_V4 = ["203.0.113.5", "203.0.113.6", "203.0.113.7"]
CALLER_V6 = ["2001:db8::1", "2001:db8::a"]
CALLEE_V6 = ["2001:db8:1::5", "2001:db8:1::6"]
SIP_SOURCES_V4 = ["192.0.2.77", "192.0.2.78"]
SIP_SOURCES_V6 = ["2001:db8:2::77"]
MEDIA_ADDRESSES = ["192.0.2.88", "198.51.100.99", "2001:db8:3::88"]
NULL_ADDRESSES = {"IP4": "0.0.0.0", "IP6": "::"}

# Endpoint ports used in generated SDPs: below both daemons' media ranges (daemons.py), so a
# port in a daemon's range is always one it allocated.
SDP_PORT_RANGE = (4000, 9998)

# Non-UTF-8 byte sequences for call-ids, tags, labels, via-branches and SDP values. Pairs
# that decode to the same replacement character under a lossy UTF-8 decode come first.
NON_UTF8 = [b"\xff", b"\xfe", b"\xfe\x80", b"\xc3", b"\x80\x80", b"\xed\xa0\x80"]

# Unknown attributes (kept by both daemons unless they have a reason).
UNKNOWN_ATTRIBUTES = ["a=foo:bar", "a=x-custom", "a=label:1", "a=content:main", "a=maxptime:40",
                      "a=framerate:30", "a=quality:5", "a=silenceSupp:off - - - -"]
# ICE attributes (only together with ICE=remove).
ICE_MEDIA_ATTRIBUTES = ["a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
                        "a=candidate:1 1 UDP 2130706431 198.51.100.1 5000 typ host",
                        "a=end-of-candidates"]
# `a=ice-options:trickle` is left out: 10.5 then records the peer's trickle ICE support and
# advertises it again in later offers even under ICE=remove, which belongs to ICE (issue 14).
ICE_SESSION_ATTRIBUTES = ["a=ice-lite", "a=ice-ufrag:sess", "a=ice-pwd:sessionpasswordsessionpw"]
DIRECTIONS = ["sendrecv", "sendonly", "recvonly", "inactive"]
ANSWER_DIRECTION = {"sendrecv": "sendrecv", "sendonly": "recvonly", "recvonly": "sendonly", "inactive": "inactive"}
